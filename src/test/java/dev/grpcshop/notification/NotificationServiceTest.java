package dev.grpcshop.notification;

import dev.grpcshop.api.notification.v1.ListNotificationsRequest;
import dev.grpcshop.api.notification.v1.Notification;
import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.api.notification.v1.SubscribeRequest;
import dev.grpcshop.support.Shop;
import io.grpc.Status;
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
    void listAndSubscribeRefuseABadUserIdAndLimit() {
        assertTrue(fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.notifications.listNotifications(
                ListNotificationsRequest.newBuilder().setUserId(0).setLimit(-1).build()).hasNext())).containsKey("limit"));
        assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.notifications.subscribe(
                SubscribeRequest.newBuilder().setUserId(0).build()).hasNext());
    }
}
