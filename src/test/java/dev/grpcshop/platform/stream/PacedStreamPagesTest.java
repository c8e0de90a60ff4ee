package dev.grpcshop.platform.stream;


import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link PacedStream#pages} outside a server (its messages then go out from a worker instead of the call's event
 * loop): page reads, the one-page read-ahead, the client's flow control, and a failed read.
 */
class PacedStreamPagesTest {

    /** A server call whose flow-control window the test opens and closes. */
    static final class WindowedCall extends ServerCall<Object, Object> {
        volatile boolean ready;

        WindowedCall(boolean ready) {
            this.ready = ready;
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(Object message) {
        }

        @Override
        public void close(Status status, Metadata trailers) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public MethodDescriptor<Object, Object> getMethodDescriptor() {
            return null;
        }
    }

    /** The numbers 0, 1, 2, ... in pages, counting the reads; fails the read that would start at {@code failAt}. */
    static final class Numbers implements PacedStream.PageQuery<Integer> {
        final AtomicInteger reads = new AtomicInteger();
        final int failAt;

        Numbers(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public List<Integer> after(Integer last, int size) {
            reads.incrementAndGet();
            int first = last == null ? 0 : last + 1;
            if (first == failAt) {
                throw new IllegalStateException("database gone");
            }
            return IntStream.range(first, first + size).boxed().toList();
        }
    }

    /** Page reads handed to the reader threads. */
    private final AtomicInteger readerTasks = new AtomicInteger();

    private Multi<Integer> pages(CallReadiness readiness, int limit, Numbers numbers) throws Exception {
        Executor reader = task -> {
            readerTasks.incrementAndGet();
            Infrastructure.getDefaultWorkerPool().execute(task);
        };
        return Context.current().withValue(CallReadiness.KEY, readiness)
                .call(() -> PacedStream.pages(limit, 3, numbers, reader, new AtomicInteger()));
    }

    @Test
    void aClosedWindowHoldsTheStreamWithAtMostOnePageReadAheadAndOpeningItSendsTheRest() throws Exception {
        WindowedCall call = new WindowedCall(false);
        CallReadiness readiness = new CallReadiness(call);
        Numbers numbers = new Numbers(-1);

        AssertSubscriber<Integer> client = pages(readiness, 10, numbers).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        Thread.sleep(300); // time for a stream that ignored the window to read and send everything

        assertEquals(2, numbers.reads.get(), "the page to send and one read ahead");
        client.assertItems();

        call.ready = true;
        readiness.signalReady();
        client.awaitCompletion(Duration.ofSeconds(5));
        client.assertItems(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertEquals(4, numbers.reads.get(), "pages of 3, 3, 3 and 1; the limit needs no fifth read");
        assertEquals(4, readerTasks.get(), "nor a fifth trip to a reader thread to learn that");
    }

    @Test
    void aFailedPageReadEndsTheStreamWithItsErrorAfterTheItemsReadBeforeIt() throws Exception {
        Numbers numbers = new Numbers(6);

        AssertSubscriber<Integer> client = pages(new CallReadiness(new WindowedCall(true)), 10, numbers).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));

        client.awaitFailure(Duration.ofSeconds(5));
        client.assertItems(0, 1, 2, 3, 4, 5);
        client.assertFailedWith(IllegalStateException.class, "database gone");
    }
}
