package dev.grpcshop.platform.stream;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Makes the {@link CallReadiness} of each call that streams responses available to the service code that serves
 * it. Calls answered with one message skip it: a gRPC context per call and one more listener layer were a few per
 * cent of GetUser's CPU, for nothing.
 */
@GlobalInterceptor
@ApplicationScoped
public class CallReadinessInterceptor implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getType().serverSendsOneMessage()) {
            return next.startCall(call, headers);
        }
        CallReadiness readiness = new CallReadiness(call);
        Context context = Context.current().withValue(CallReadiness.KEY, readiness);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                Contexts.interceptCall(context, call, headers, next)) {
            @Override
            public void onReady() {
                super.onReady();
                readiness.signalReady();
            }
        };
    }
}
