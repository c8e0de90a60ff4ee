package dev.grpcshop.platform.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * One log line per served call: method, status code, duration and trace id. Never the messages or the
 * headers (they may hold tokens or card data). On in dev mode; elsewhere switched on with
 * {@code quarkus.log.category."grpcshop.calls".level=INFO} (a line per call costs more than the call itself).
 */
@GlobalInterceptor
@ApplicationScoped
public class CallLogInterceptor implements ServerInterceptor {

    private static final Logger LOG = Logger.getLogger("grpcshop.calls");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!LOG.isInfoEnabled()) {
            return next.startCall(call, headers);
        }
        long start = System.nanoTime();
        String startTraceId = currentTraceId();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                // the call's span is current where it completes; at start it may not be yet
                String traceId = currentTraceId();
                LOG.infof("grpc %s %s %.1fms traceId=%s", call.getMethodDescriptor().getFullMethodName(),
                        status.getCode(), (System.nanoTime() - start) / 1e6,
                        traceId != null ? traceId : startTraceId != null ? startTraceId : "-");
                super.close(status, trailers);
            }
        }, headers);
    }

    private static String currentTraceId() {
        var context = Span.current().getSpanContext();
        return context.isValid() ? context.getTraceId() : null;
    }
}
