package dev.grpcshop.platform.grpc;

import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.util.function.Supplier;

/**
 * Runs the blocking part of a unary gRPC call (database transactions, calls to other services) on a worker
 * thread, in one hand-off, with the call's gRPC Context (deadline, cancellation, {@link
 * dev.grpcshop.platform.security.Caller}) and trace attached there.
 * <p>
 * Why not Quarkus's {@code @Blocking}: it hands every listener event of a call (ready, message, half-close,
 * complete) to a worker thread one after the other, each returning to the event loop first, so a unary call
 * costs about five thread wake-ups instead of one. Each order makes three such calls; on two cores those
 * wake-ups are a fifth of the app's CPU (docs/performance.md).
 */
public final class BlockingWork {

    private BlockingWork() {
    }

    public static <T> Uni<T> onWorker(Supplier<T> work) {
        io.grpc.Context call = io.grpc.Context.current();
        io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
        return Uni.createFrom().item(() -> {
            io.grpc.Context previous = call.attach();
            try (Scope ignored = trace.makeCurrent()) {
                return work.get();
            } finally {
                call.detach(previous);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
