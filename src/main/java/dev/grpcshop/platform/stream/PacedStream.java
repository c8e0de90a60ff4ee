package dev.grpcshop.platform.stream;

import dev.grpcshop.platform.error.ApiError;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A server response stream that sends only while the client's flow-control window is open.
 * <ul>
 * <li>{@link #pages}: reads pages from a blocking source on a {@link PageReaders} thread, at most one page ahead
 * of the one being sent, so a slow client never makes the server read further, and a cancelled call stops reading.
 * A page that cannot be read ends the stream with its error once the pages before it are sent.</li>
 * <li>{@link #push}: producers offer messages into a bounded per-stream queue; a client that falls more
 * than {@code capacity} messages behind is closed with RESOURCE_EXHAUSTED instead of growing the heap.</li>
 * </ul>
 * Both send from the call's event loop: grpc-java flushes once per event-loop task, so messages queued together
 * go out in a few large writes instead of a wake-up and a write per message (a worker that sends makes the event
 * loop wake to flush every few messages).
 */
public final class PacedStream<T> {

    /**
     * Keyset paging over a {@link PageQuery}: each read starts after the last item read, and the cursor knows
     * when the limit or a short page has ended the stream, so no read is made to learn it.
     */
    private static final class KeysetCursor<T> {
        private final PageQuery<T> query;
        private final int pageSize;
        private T last;
        private int remaining; // written by the reader before the page is handed over (volatile)

        KeysetCursor(PageQuery<T> query, int pageSize, int limit) {
            this.query = query;
            this.pageSize = pageSize;
            this.remaining = limit;
        }

        List<T> nextPage() {
            int size = Math.min(pageSize, remaining);
            if (size <= 0) {
                return List.of();
            }
            List<T> page = query.after(last, size);
            remaining = page.size() < size ? 0 : remaining - page.size();
            if (!page.isEmpty()) {
                last = page.get(page.size() - 1);
            }
            return page;
        }

        /** Whether no page follows the last one read (a short or empty page, or the limit reached). */
        boolean exhausted() {
            return remaining <= 0;
        }
    }

    /** Reads up to {@code size} items that come after {@code last} (null: from the start), in stream order. */
    @FunctionalInterface
    public interface PageQuery<T> {
        List<T> after(T last, int size);
    }

    private final MultiEmitter<? super T> emitter;
    private final CallReadiness readiness;
    private final KeysetCursor<T> cursor; // null for a push stream
    private final int capacity;
    /** Where pages are read ({@link PageReaders}); null for a push stream. */
    private final Executor reader;
    /** The call's trace context, so that a page's database spans are children of the call's span. */
    private final io.opentelemetry.context.Context traceContext = io.opentelemetry.context.Context.current();
    /** Where the queue is drained: the call's event loop (a worker if the stream was not created on one). */
    private final Executor drainer;
    private final Queue<T> queue;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();
    private final List<Runnable> cleanUps = new CopyOnWriteArrayList<>();
    private volatile boolean completed;
    private volatile Throwable failure;
    /** The page read ahead by the reader, handed to the draining thread; null while none is ready. */
    private volatile List<T> fetched;
    /** Why the page read ahead could not be read; the stream fails with it once the pages before are sent. */
    private volatile RuntimeException fetchFailure;
    private boolean fetching; // only touched by the draining thread
    private boolean done; // only touched by the draining thread

    private PacedStream(MultiEmitter<? super T> emitter, CallReadiness readiness, KeysetCursor<T> cursor,
            Executor reader, int capacity, Executor drainer) {
        this.emitter = emitter;
        this.reader = reader;
        this.readiness = readiness;
        this.cursor = cursor;
        this.capacity = capacity;
        this.drainer = drainer;
        this.queue = cursor == null ? new ConcurrentLinkedQueue<>() : new ArrayDeque<>();
        emitter.onTermination(() -> cleanUps.forEach(Runnable::run)); // the emitter keeps only one callback
        readiness.onReady(this::drain);
    }

    /**
     * Up to {@code limit} items, read from the database {@code pageSize} at a time (keyset paging: each query
     * starts after the last item sent) on {@code reader} and only as fast as the client consumes them.
     * {@code live} counts the streams open right now.
     */
    public static <T> Multi<T> pages(int limit, int pageSize, PageQuery<T> query, Executor reader,
            AtomicInteger live) {
        KeysetCursor<T> cursor = new KeysetCursor<>(query, pageSize, limit);
        CallReadiness readiness = CallReadiness.current();
        Executor eventLoop = currentEventLoop();
        return Multi.createFrom().<T> emitter(emitter -> {
            PacedStream<T> stream = new PacedStream<>(emitter, readiness, cursor, reader, Integer.MAX_VALUE, eventLoop);
            stream.countIn(live);
            stream.drain();
        });
    }

    /**
     * A stream fed by producers. {@code wiring} connects them (calling {@link #offer}, {@link #complete},
     * {@link #fail}) and registers their clean-up with {@link #onTermination}.
     */
    public static <T> Multi<T> push(int capacity, AtomicInteger live, Consumer<PacedStream<T>> wiring) {
        CallReadiness readiness = CallReadiness.current();
        Executor eventLoop = currentEventLoop();
        return Multi.createFrom().<T> emitter(emitter -> {
            PacedStream<T> stream = new PacedStream<>(emitter, readiness, null, null, capacity, eventLoop);
            stream.countIn(live);
            wiring.accept(stream);
        });
    }

    /** Queues a message; if the client is too far behind, fails the stream with RESOURCE_EXHAUSTED. */
    public void offer(T item) {
        if (queued.incrementAndGet() > capacity) {
            fail(ApiError.resourceExhausted("SLOW_CONSUMER",
                    "the client read too slowly: more than " + capacity + " messages were waiting for it"));
            return;
        }
        queue.add(item);
        drain();
    }

    /** Ends the stream normally once every queued message has been sent. */
    public void complete() {
        completed = true;
        drain();
    }

    /** Ends the stream at once with this failure; queued messages are dropped. */
    public void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
        drain();
    }

    /** Runs when the stream ends for any reason: completion, failure, or the client going away. */
    public void onTermination(Runnable cleanUp) {
        cleanUps.add(cleanUp);
    }

    private void countIn(AtomicInteger live) {
        live.incrementAndGet();
        onTermination(live::decrementAndGet);
    }

    /**
     * The event loop of the call being served on this thread (endpoints returning a Multi run there): a task
     * submitted on that thread runs at once, one from elsewhere is queued to it. A worker if the stream is
     * created elsewhere, which is slower but as correct.
     */
    private static Executor currentEventLoop() {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return Infrastructure.getDefaultWorkerPool();
        }
        Thread loop = Thread.currentThread();
        return task -> {
            if (Thread.currentThread() == loop) {
                task.run();
            } else {
                context.runOnContext(ignored -> task.run());
            }
        };
    }

    private void drain() {
        if (wip.getAndIncrement() == 0) {
            drainer.execute(this::drainLoop);
        }
    }

    /** On a page reader: reads the next page (or its failure), then hands it to the draining thread. */
    private void fetchNextPage() {
        try {
            fetched = cursor.nextPage();
        } catch (RuntimeException e) {
            fetchFailure = e;
        }
        drain();
    }

    private void drainLoop() {
        int missed = 1;
        do {
            try {
                emitWhileReady();
            } catch (RuntimeException e) {
                finish(e);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void emitWhileReady() {
        while (!done) {
            if (emitter.isCancelled()) {
                done = true;
                queue.clear();
                return;
            }
            if (failure != null) {
                finish(failure);
                return;
            }
            if (queue.isEmpty()) {
                if (cursor != null && !completed) {
                    List<T> page = fetched;
                    if (page == null) {
                        if (fetchFailure != null) {
                            finish(fetchFailure);
                            return;
                        }
                        readAhead();
                        return; // the page read calls drain() when it is ready
                    }
                    fetched = null;
                    fetching = false;
                    if (cursor.exhausted()) {
                        completed = true;
                    } else {
                        readAhead(); // the next page is read while this one is sent
                    }
                    queue.addAll(page);
                    queued.addAndGet(page.size());
                    continue;
                }
                if (completed) {
                    done = true;
                    emitter.complete();
                }
                return;
            }
            if (!readiness.isReady()) {
                return; // the onReady signal calls drain() again
            }
            T item = queue.poll();
            queued.decrementAndGet();
            emitter.emit(item);
        }
    }

    private void readAhead() {
        if (!fetching) {
            fetching = true;
            reader.execute(traceContext.wrap(this::fetchNextPage));
        }
    }

    private void finish(Throwable t) {
        if (!done) {
            done = true;
            queue.clear();
            emitter.fail(t);
        }
    }
}
