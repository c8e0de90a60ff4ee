package dev.grpcshop.platform.stream;

import dev.grpcshop.platform.error.GrpcErrors;

import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.grpcshop.platform.stream.PacedStreamPagesTest.WindowedCall;
import io.grpc.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PacedStream#push} outside a server: where its messages are sent from, and a client that falls behind. */
class PacedStreamPushTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** A push stream created the way an endpoint creates it: on the call's event loop. */
    private Multi<String> pushStreamOnEventLoop(CallReadiness readiness, int capacity,
            AtomicReference<PacedStream<String>> producerSide, AtomicReference<Thread> eventLoopThread) throws Exception {
        CompletableFuture<Multi<String>> created = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(ignored -> {
            eventLoopThread.set(Thread.currentThread());
            Context.current().withValue(CallReadiness.KEY, readiness).run(() ->
                    created.complete(PacedStream.<String> push(capacity, new AtomicInteger(), producerSide::set)));
        });
        return created.get(5, TimeUnit.SECONDS);
    }

    @Test
    void messagesOfferedByProducerThreadsAreSentFromTheEventLoopTheStreamWasCreatedOn() throws Exception {
        AtomicReference<PacedStream<String>> producer = new AtomicReference<>();
        AtomicReference<Thread> eventLoop = new AtomicReference<>();
        Set<Thread> sentFrom = ConcurrentHashMap.newKeySet();
        AssertSubscriber<String> client = pushStreamOnEventLoop(new CallReadiness(new WindowedCall(true)), 100,
                producer, eventLoop)
                .onItem().invoke(item -> sentFrom.add(Thread.currentThread()))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));

        producer.get().offer("a");
        producer.get().offer("b");
        producer.get().complete();

        client.awaitCompletion(Duration.ofSeconds(5));
        client.assertItems("a", "b");
        assertEquals(Set.of(eventLoop.get()), sentFrom, "sent on the call's event loop, not the producer's thread");
    }

    @Test
    void aClientMoreThanCapacityMessagesBehindIsClosedWithResourceExhaustedAndDetails() throws Exception {
        AtomicReference<PacedStream<String>> producer = new AtomicReference<>();
        AtomicInteger cleanUps = new AtomicInteger();
        AssertSubscriber<String> client = pushStreamOnEventLoop(new CallReadiness(new WindowedCall(false)), 3,
                producer, new AtomicReference<>())
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        producer.get().onTermination(cleanUps::incrementAndGet); // e.g. leaving the change feed

        for (String item : List.of("1", "2", "3", "4")) { // the client reads nothing: its window stays closed
            producer.get().offer(item);
        }

        client.awaitFailure(Duration.ofSeconds(5));
        client.assertItems();
        com.google.rpc.Status status = GrpcErrors.toStatus(client.getFailure()); // as the client receives it
        assertEquals(Code.RESOURCE_EXHAUSTED_VALUE, status.getCode());
        assertTrue(status.getMessage().contains("more than 3 messages"), status.getMessage());
        assertEquals("SLOW_CONSUMER", status.getDetails(0).unpack(ErrorInfo.class).getReason());
        // Mutiny runs the termination callbacks just after signalling the failure, on the emitting thread
        await().atMost(Duration.ofSeconds(5)).until(() -> cleanUps.get() > 0);
        assertEquals(1, cleanUps.get(), "the producers' clean-up ran once");
    }
}
