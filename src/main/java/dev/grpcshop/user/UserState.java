package dev.grpcshop.user;

/** Lifecycle of a user account, as stored. */
public enum UserState {
    ACTIVE,
    SUSPENDED
}
