package dev.grpcshop.platform.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;

/**
 * Marks the span of an outbound call that did not end OK as an error, as OpenTelemetry's gRPC conventions ask
 * for client spans. Quarkus's tracing interceptor sets ERROR only when the status carries a local exception, so
 * a call the other service answered UNAVAILABLE or NOT_FOUND (or that ran out of time) would stay UNSET, and a
 * trace view would show failed attempts as fine.
 * <p>
 * It runs inside Quarkus's interceptor (lower priority), where that call's span is current, and sets the
 * status before that interceptor ends the span (its later UNSET is ignored by the SDK).
 */
@GlobalInterceptor
@ApplicationScoped
public class FailedCallSpansInterceptor implements ClientInterceptor, Prioritized {

    @Override
    public int getPriority() {
        return -100; // Quarkus's tracing interceptor has the default 0; higher runs first (outside)
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        Span span = Span.current();
        // only this call's own client span: never the caller's span, should the interceptors' order change
        if (!(span instanceof ReadableSpan own) || own.getKind() != SpanKind.CLIENT
                || !own.getName().equals(method.getFullMethodName())) {
            return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (!status.isOk()) {
                            span.setStatus(StatusCode.ERROR, status.getCode().name());
                        }
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }
}
