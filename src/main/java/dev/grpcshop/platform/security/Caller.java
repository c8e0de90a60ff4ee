package dev.grpcshop.platform.security;

import dev.grpcshop.platform.error.ApiError;
import io.grpc.Context;

import java.util.Set;

/**
 * Who is calling: the subject and roles of the call's verified bearer token. The
 * {@link AuthenticationInterceptor} puts it into the call's gRPC Context; endpoints read it with
 * {@link #current()} when the call starts ({@link dev.grpcshop.platform.grpc.BlockingWork} attaches the Context on
 * its worker thread too; a stream's later hops do not carry it).
 */
public record Caller(String subject, Set<String> roles) {

    /** An end user; the token's subject is their user id. */
    public static final String USER = "user";
    /** An operator: may call every method and read every user's data. */
    public static final String ADMIN = "admin";
    /** Another service of this system (OrderService calling PaymentService, ...). */
    public static final String SERVICE = "service";

    static final Context.Key<Caller> KEY = Context.key("grpcshop.caller");

    public static Caller current() {
        Caller caller = KEY.get();
        if (caller == null) {
            // only possible for a method that AccessPolicy lists as public but whose endpoint asks for a caller
            throw new IllegalStateException("no authenticated caller in this gRPC context");
        }
        return caller;
    }

    public boolean has(String role) {
        return roles.contains(role);
    }

    /** Admins and services act for any user; a user only for themselves. */
    public boolean mayActFor(long userId) {
        return has(ADMIN) || has(SERVICE) || (has(USER) && subject.equals(Long.toString(userId)));
    }

    /** PERMISSION_DENIED unless {@link #mayActFor(long)}; the message does not say whether the data exists. */
    public void requireActsFor(long userId) {
        if (!mayActFor(userId)) {
            throw ApiError.permissionDenied("NOT_OWNER", "the caller may not access another user's data");
        }
    }
}
