package dev.grpcshop.platform.runtime;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work under way that shutdown waits for: each piece counts itself in and out; {@link #close()} stops counting
 * new ones in, and {@link #awaitNone} waits (bounded) until the count is back to zero.
 */
public final class UnderWay {

    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean closed;

    /** Counts one in, unless closed; if true, the caller must {@link #exit()} when done. */
    public boolean enter() {
        count.incrementAndGet();
        if (closed) {
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    public void exit() {
        count.decrementAndGet();
    }

    /** No further {@link #enter()} succeeds. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Waits until nothing is under way, at most {@code max}; returns how many still are. */
    public int awaitNone(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (count.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return count.get();
    }
}
