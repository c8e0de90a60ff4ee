package dev.grpcshop.user;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;

/**
 * A user as ListUsers reads it: the columns only, selected straight into this record (a Panache projection)
 * instead of managed entities, which cost Hibernate initialization and flush-time checks for every row.
 * Component names match {@link UserEntity}'s fields; Hibernate calls the constructor reflectively.
 */
@RegisterForReflection
record UserRow(Long id, String name, String email, UserState status, Instant createdAt, Instant updatedAt,
        long version) {
}
