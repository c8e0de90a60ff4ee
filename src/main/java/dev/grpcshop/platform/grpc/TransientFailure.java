package dev.grpcshop.platform.grpc;

import io.grpc.Status;
import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * A remote call failed in a way that may succeed if tried again later: UNAVAILABLE or DEADLINE_EXCEEDED.
 * Only this failure is retried and counted by the circuit breakers; every other status is the callee's
 * answer and is passed on as it is.
 */
public final class TransientFailure extends RuntimeException {

    private TransientFailure(Status.Code code, Throwable cause) {
        super(code + " from a remote service", cause, false, false);
    }

    /**
     * Waits for a remote call's answer (the call's deadline bounds the wait); fails with a TransientFailure
     * where {@link #classify} says so, else with the callee's status.
     */
    public static <T> T await(Uni<T> call) {
        return call.onFailure().transform(TransientFailure::classify).await().indefinitely();
    }

    /** Wraps UNAVAILABLE and DEADLINE_EXCEEDED in a TransientFailure; returns any other failure unchanged. */
    public static Throwable classify(Throwable failure) {
        Status.Code code = Status.fromThrowable(failure).getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                ? new TransientFailure(code, failure)
                : failure;
    }

    /** True for failures worth trying again later: transient statuses and the fault-tolerance guards. */
    public static boolean isTransient(Throwable failure) {
        return failure instanceof TransientFailure || failure instanceof CircuitBreakerOpenException
                || failure instanceof BulkheadException || failure instanceof TimeoutException
                || failure instanceof RateLimitException;
    }
}
