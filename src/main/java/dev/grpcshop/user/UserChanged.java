package dev.grpcshop.user;

import dev.grpcshop.api.user.v1.UserChange;

/**
 * A committed change to a user. {@code origin} names the SyncUsers stream that made it (null for other
 * calls), so that stream is not sent its own change twice.
 */
public record UserChanged(UserChange change, String origin) {
}
