package dev.grpcshop.user;

import java.time.Instant;

/** A user as ListUsers reads it: the columns of one row of {@code users}, no managed entity. */
record UserRow(Long id, String name, String email, UserState status, Instant createdAt, Instant updatedAt,
        long version) {
}
