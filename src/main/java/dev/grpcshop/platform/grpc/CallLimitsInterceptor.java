package dev.grpcshop.platform.grpc;

import jakarta.inject.Inject;
import dev.grpcshop.platform.error.ApiError;
import dev.grpcshop.platform.error.GrpcErrors;

import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.TimeUnit;

/**
 * Refuses unary calls whose client-given deadline is longer than app.limits.max-deadline (INVALID_ARGUMENT
 * naming grpc-timeout): a request/response call that may legitimately take minutes is a design error or an
 * attempt to hold server resources. Streaming calls (subscriptions) are long-lived by design and exempt.
 */
@GlobalInterceptor
@ApplicationScoped
public class CallLimitsInterceptor implements ServerInterceptor {

    @Inject
    LimitsConfig limits;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Deadline deadline = io.grpc.Context.current().getDeadline();
        if (call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY && deadline != null
                && deadline.timeRemaining(TimeUnit.MILLISECONDS) > limits.maxDeadline().toMillis()) {
            return GrpcErrors.refuse(call, ApiError.invalidArgument("grpc-timeout",
                    "the call's deadline must be at most " + limits.maxDeadline().toSeconds() + " s"));
        }
        return next.startCall(call, headers);
    }
}
