package dev.grpcshop.platform.error;

import dev.grpcshop.platform.grpc.TransientFailure;

import com.google.rpc.Code;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.OptimisticLockException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.hibernate.JDBCException;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * The one place where exceptions become gRPC statuses. Known failures keep their code and details;
 * anything unexpected is logged here with its stack trace and reaches the client as a bare INTERNAL,
 * never as UNKNOWN and never with a stack trace.
 */
@ApplicationScoped
public class GrpcErrors implements ExceptionHandlerProvider {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    /** The status a client sees for this failure, with details. */
    public static com.google.rpc.Status toStatus(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ApiError api) {
            return api.status();
        }
        if (t instanceof StatusRuntimeException || t instanceof StatusException) {
            com.google.rpc.Status status = StatusProto.fromThrowable(t);
            if (status != null) {
                return status;
            }
            io.grpc.Status s = io.grpc.Status.fromThrowable(t);
            return com.google.rpc.Status.newBuilder().setCode(s.getCode().value())
                    .setMessage(s.getDescription() == null ? s.getCode().name() : s.getDescription()).build();
        }
        if (t instanceof TransientFailure || t instanceof CircuitBreakerOpenException || t instanceof TimeoutException) {
            // a dependency is down or slow: the client may retry later
            return ApiError.withReason(t instanceof TimeoutException ? Code.DEADLINE_EXCEEDED : Code.UNAVAILABLE,
                    "DEPENDENCY_UNAVAILABLE", "a service this call depends on is unavailable, retry later").status();
        }
        if (t instanceof BulkheadException) {
            return ApiError.resourceExhausted("TOO_MANY_CONCURRENT_CALLS",
                    "too many calls in progress to a dependency, retry later").status();
        }
        if (t instanceof OptimisticLockException || t instanceof StaleStateException) {
            return ApiError.withReason(Code.ABORTED, "CONCURRENT_MODIFICATION",
                    "concurrent modification, retry the request").status();
        }
        String database = databaseUnavailable(failure);
        if (database != null) {
            // an outage, not a bug: no stack trace per call, and the client may retry (as the order flow does)
            LOG.warnf("database unavailable while serving a call: %s", database);
            return ApiError.withReason(Code.UNAVAILABLE, "DATABASE_UNAVAILABLE",
                    "the database is unavailable, retry later").status();
        }
        LOG.error("unexpected failure while serving a call", t);
        return com.google.rpc.Status.newBuilder().setCode(Code.INTERNAL.getNumber())
                .setMessage("internal error").build();
    }

    /**
     * What says the database cannot be reached, or null if nothing in the cause chain does: a refused or broken
     * connection (SQLState class 08, or the JDBC connection exceptions), no pooled connection within the
     * acquisition timeout (Agroal), or a pooled connection that broke while it was idle and could not join the
     * transaction (Hibernate then reports it could not acquire one, and the transaction manager logs the cause).
     */
    private static String databaseUnavailable(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            String message = String.valueOf(c.getMessage());
            if (c instanceof SQLTransientConnectionException || c instanceof SQLNonTransientConnectionException
                    || (c instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08"))
                    || (c instanceof SQLException && message.startsWith("Sorry, acquisition timeout"))
                    || (c instanceof JDBCException && message.startsWith("Unable to acquire JDBC Connection"))) {
                return c.toString();
            }
        }
        return null;
    }

    public static StatusRuntimeException toException(Throwable failure) {
        return StatusProto.toStatusRuntimeException(toStatus(failure));
    }

    /** Ends {@code call} with the status of {@code failure}, its details in the trailers. */
    public static void close(ServerCall<?, ?> call, Throwable failure) {
        StatusRuntimeException e = toException(failure);
        call.close(e.getStatus(), e.getTrailers() == null ? new Metadata() : e.getTrailers());
    }

    /** Refuses a call before it reaches the service: closes it and ignores whatever the client still sends. */
    public static <Q> ServerCall.Listener<Q> refuse(ServerCall<Q, ?> call, ApiError error) {
        close(call, error);
        return new ServerCall.Listener<>() {
        };
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof java.util.concurrent.CompletionException
                || current instanceof java.util.concurrent.ExecutionException
                || current instanceof jakarta.transaction.RollbackException
                || current instanceof io.quarkus.arc.ArcUndeclaredThrowableException
                || (current instanceof RuntimeException && current.getClass() == RuntimeException.class))
                && current.getCause() != null) {
            current = current.getCause();
        }
        // An ApiError thrown inside a transaction may come back wrapped by the transaction manager.
        for (Throwable c = current; c != null; c = c.getCause()) {
            if (c instanceof ApiError || c instanceof StatusRuntimeException || c instanceof OptimisticLockException
                    || c instanceof StaleStateException || c instanceof TransientFailure) {
                return c;
            }
        }
        return current;
    }

    @Override
    public Throwable transform(Throwable t) {
        return toException(t);
    }

    @Override
    public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
            ServerCall<ReqT, RespT> call, Metadata metadata) {
        return new ExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable failure, ServerCall<ReqT, RespT> serverCall, Metadata headers) {
                close(serverCall, failure);
            }
        };
    }
}
