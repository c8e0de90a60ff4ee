package dev.grpcshop.notification;

import dev.grpcshop.api.notification.v1.ListNotificationsRequest;
import dev.grpcshop.api.notification.v1.Notification;
import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.api.notification.v1.SubscribeRequest;
import dev.grpcshop.support.Shop;
import dev.grpcshop.api.notification.v1.NotificationServiceGrpc;
import dev.grpcshop.support.GrpcTestSupport;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import static org.awaitility.Awaitility.await;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.UUID;

import static dev.grpcshop.support.GrpcTestSupport.assertFails;
import static dev.grpcshop.support.GrpcTestSupport.fieldViolations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationServiceTest {

    @Inject
    MeterRegistry registry;

    Shop shop;

    @BeforeAll
    void connect() {
        shop = Shop.connect();
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        shop.close();
    }

    @Test
    void theSameKeyIsStoredOnceAndReturnsTheFirstNotification() {
        long user = 7_000_000 + (System.nanoTime() % 1_000_000);
        SendNotificationRequest request = SendNotificationRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                .setUserId(user).setKind("test.hello").setSubject("Hello").setBody("First").build();
        Notification first = shop.notifications.sendNotification(request);
        Notification again = shop.notifications.sendNotification(request.toBuilder().setBody("Second").build());
        assertEquals(first, again, "a repeated delivery is recognised by its key");
        assertEquals(1, shop.notificationsOf(user).size());
    }

    @Test
    void invalidNotificationIsInvalidArgumentAndNotStored() {
        var violations = fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.notifications
                .sendNotification(SendNotificationRequest.newBuilder().setUserId(0).setBody("x".repeat(2001)).build())));
        for (String field : new String[] {"idempotency_key", "user_id", "kind", "subject", "body"}) {
            assertTrue(violations.containsKey(field), field + " in " + violations);
        }
    }

    @Test
    void aSubscriberThatStopsReadingIsClosedWithResourceExhaustedInsteadOfBufferingWithoutBound() throws Exception {
        long user = 8_000_000 + (System.nanoTime() % 1_000_000);
        ManagedChannel small = GrpcTestSupport.channelWithWindow(64 * 1024);
        CompletableFuture<Status> end = new CompletableFuture<>();
        AtomicReference<ClientCallStreamObserver<SubscribeRequest>> call = new AtomicReference<>();
        try {
            NotificationServiceGrpc.newStub(small).subscribe(SubscribeRequest.newBuilder().setUserId(user).build(),
                    new ClientResponseObserver<SubscribeRequest, Notification>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
                            call.set(requestStream);
                            requestStream.disableAutoRequestWithInitial(0); // never reads
                        }

                        @Override
                        public void onNext(Notification value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            end.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            end.complete(Status.OK);
                        }
                    });
            Thread.sleep(300);
            ExecutorService senders = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < 3000; i++) {
                    String key = "flood-" + user + "-" + i;
                    sent.add(senders.submit(() -> shop.notifications.sendNotification(SendNotificationRequest.newBuilder()
                            .setIdempotencyKey(key).setUserId(user).setKind("test.flood").setSubject("Flood")
                            .setBody("x".repeat(100)).build())));
                }
                for (Future<?> f : sent) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                senders.shutdownNow();
            }
            call.get().request(Integer.MAX_VALUE); // now drain what the transport holds, then the status
            Status status = end.get(10, TimeUnit.SECONDS);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), status.toString());
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("grpcshop.stream.subscribers")
                    .tag("stream", "notification.Subscribe").gauge().value() == 0.0);
        } finally {
            GrpcTestSupport.close(small);
        }
    }

    @Test
    void listAndSubscribeRefuseABadUserIdAndLimit() {
        assertTrue(fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.notifications.listNotifications(
                ListNotificationsRequest.newBuilder().setUserId(0).setLimit(-1).build()).hasNext())).containsKey("limit"));
        assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.notifications.subscribe(
                SubscribeRequest.newBuilder().setUserId(0).build()).hasNext());
    }
}
