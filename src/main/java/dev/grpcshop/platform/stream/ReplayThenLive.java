package dev.grpcshop.platform.stream;

import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Feeds a stream with what is stored about one entity, then with its live changes, without a gap or a
 * duplicate: it subscribes first, reads the stored state on a worker thread, and then sends each live
 * event whose position (version, sequence) is past the last one sent.
 */
public final class ReplayThenLive<T> {

    private final PacedStream<T> out;
    private final ToLongFunction<T> position;
    private final Predicate<T> isLast;
    private final List<T> early = new ArrayList<>();
    private boolean replayed;
    private long lastPosition = Long.MIN_VALUE;

    private ReplayThenLive(PacedStream<T> out, ToLongFunction<T> position, Predicate<T> isLast) {
        this.out = out;
        this.position = position;
        this.isLast = isLast;
    }

    /**
     * @param subscribe subscribes a consumer to live events of the entity and returns the unsubscribe action
     * @param stored    the stored history, oldest first (blocking: runs on a worker thread)
     * @param isLast    an event after which nothing more will come: the stream completes after sending it
     */
    public static <T> void wire(PacedStream<T> out, java.util.function.Function<Consumer<T>, Runnable> subscribe,
            Supplier<List<T>> stored, ToLongFunction<T> position, Predicate<T> isLast) {
        ReplayThenLive<T> feed = new ReplayThenLive<>(out, position, isLast);
        out.onTermination(subscribe.apply(feed::onLive));
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                feed.onStored(stored.get());
            } catch (RuntimeException e) {
                out.fail(e);
            }
        });
    }

    private synchronized void onLive(T event) {
        if (replayed) {
            send(event);
        } else {
            early.add(event);
        }
    }

    private synchronized void onStored(List<T> stored) {
        stored.forEach(this::send);
        early.forEach(this::send);
        early.clear();
        replayed = true;
    }

    private void send(T event) {
        long p = position.applyAsLong(event);
        if (p <= lastPosition) {
            return; // already sent, from the store or live
        }
        lastPosition = p;
        out.offer(event);
        if (isLast.test(event)) {
            out.complete();
        }
    }
}
