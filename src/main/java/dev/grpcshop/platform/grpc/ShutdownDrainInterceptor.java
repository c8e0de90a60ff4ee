package dev.grpcshop.platform.grpc;

import dev.grpcshop.platform.runtime.UnderWay;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Graceful shutdown for gRPC. On SIGTERM Quarkus stops its separate gRPC server without waiting for the calls
 * under way, then closes the database under them: a CreateOrder cut off that way fails with INTERNAL. So the
 * first thing shutdown does here is wait (up to {@code app.shutdown.drain-timeout}) until the unary and
 * client-streaming calls under way are answered. Calls keep being served meanwhile (in an all-in-one instance
 * an order's own payment call arrives during the drain). Long-lived server streams are not waited for: a
 * payment-status subscription may never end.
 */
@GlobalInterceptor
@ApplicationScoped
public class ShutdownDrainInterceptor implements ServerInterceptor {

    private static final Logger LOG = Logger.getLogger(ShutdownDrainInterceptor.class);

    @ConfigProperty(name = "app.shutdown.drain-timeout")
    Duration drainTimeout;

    private final UnderWay underWay = new UnderWay();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!call.getMethodDescriptor().getType().serverSendsOneMessage()) {
            return next.startCall(call, headers);
        }
        underWay.enter(); // never closed: calls keep being served while it drains
        AtomicBoolean finished = new AtomicBoolean();
        Runnable finish = () -> {
            if (finished.compareAndSet(false, true)) {
                underWay.exit();
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    try {
                        super.close(status, trailers);
                    } finally {
                        finish.run();
                    }
                }
            }, headers);
        } catch (RuntimeException e) {
            finish.run();
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    finish.run(); // the client cancelled or its deadline passed: nobody waits for the answer
                }
            }
        };
    }

    /** Before any other shutdown step (lowest priority value first). */
    void drain(@Observes @Priority(100) ShutdownEvent event) throws InterruptedException {
        int left = underWay.awaitNone(drainTimeout);
        if (left > 0) {
            LOG.warnf("%d gRPC calls still under way after %s; stopping anyway", left, drainTimeout);
        }
    }
}
