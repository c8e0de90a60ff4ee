package dev.grpcshop.order;

import dev.grpcshop.api.notification.v1.ListNotificationsRequest;
import dev.grpcshop.api.notification.v1.NotificationServiceGrpc;
import dev.grpcshop.api.notification.v1.SubscribeRequest;
import dev.grpcshop.api.order.v1.ListOrdersRequest;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderServiceGrpc;
import dev.grpcshop.api.order.v1.WatchOrderRequest;
import dev.grpcshop.api.payment.v1.PaymentServiceGrpc;
import dev.grpcshop.api.payment.v1.StreamPaymentUpdatesRequest;
import dev.grpcshop.api.user.v1.DeleteUser;
import dev.grpcshop.api.user.v1.ListUsersRequest;
import dev.grpcshop.api.user.v1.SyncUsersRequest;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.notification.NotificationInbox;
import dev.grpcshop.payment.PaymentFeed;
import dev.grpcshop.support.Shop;
import dev.grpcshop.user.UserFeed;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client that goes away frees its subscription at once, on every streaming method. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamSubscriptionCleanupTest {

    static final int CYCLES = 1_000;

    @Inject
    MeterRegistry registry;
    @Inject
    UserFeed userFeed;
    @Inject
    OrderFeed orderFeed;
    @Inject
    PaymentFeed paymentFeed;
    @Inject
    NotificationInbox inbox;
    @Inject
    OrderBook book;

    Shop shop;
    long user;
    Order confirmed;
    String pendingOrderId;

    @BeforeAll
    void prepare() {
        shop = Shop.connect();
        user = shop.newUser();
        confirmed = shop.orders.createOrder(Shop.order(user, "tok_visa"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !shop.notificationsOf(user).isEmpty());
        // an order that stays PENDING: stored with its charge leased, so nobody charges it during the test
        pendingOrderId = book.findOrCreatePending(Shop.order(user, "tok_visa"), "test", 3000).order().id;
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        shop.close();
    }

    /** Opens a call in its own context, waits for its first message if it sends one, then cancels it. */
    private void cycles(boolean waitForFirstMessage, Consumer<StreamObserver<Object>> open) throws Exception {
        for (int i = 0; i < CYCLES; i++) {
            CountDownLatch first = new CountDownLatch(1);
            Context.CancellableContext call = Context.current().withCancellation();
            call.run(() -> open.accept(new StreamObserver<>() {
                @Override
                public void onNext(Object value) {
                    first.countDown();
                }

                @Override
                public void onError(Throwable t) {
                    first.countDown();
                }

                @Override
                public void onCompleted() {
                    first.countDown();
                }
            }));
            if (waitForFirstMessage) {
                assertTrue(first.await(5, TimeUnit.SECONDS), "first message of cycle " + i);
            }
            call.cancel(null);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> StreamObserver<T> typed(StreamObserver<Object> observer) {
        return (StreamObserver) observer;
    }

    @Test
    void thousandSubscribeCancelCyclesOnEveryStreamingMethodLeaveNoLiveSubscription() throws Exception {
        var users = UserServiceGrpc.newStub(shop.channel);
        var orders = OrderServiceGrpc.newStub(shop.channel);
        var payments = PaymentServiceGrpc.newStub(shop.channel);
        var notifications = NotificationServiceGrpc.newStub(shop.channel);

        cycles(true, o -> users.listUsers(ListUsersRequest.newBuilder().build(), typed(o)));
        cycles(true, o -> users.syncUsers(typed(o)).onNext(SyncUsersRequest.newBuilder().setRequestId("ping")
                .setDelete(DeleteUser.newBuilder().setId(987_654_321L)).build()));
        cycles(true, o -> orders.listOrders(ListOrdersRequest.newBuilder().setUserId(user).build(), typed(o)));
        cycles(true, o -> orders.watchOrder(WatchOrderRequest.newBuilder().setOrderId(pendingOrderId).build(), typed(o)));
        cycles(true, o -> payments.streamPaymentUpdates(StreamPaymentUpdatesRequest.newBuilder()
                .setPaymentId(confirmed.getPaymentId()).build(), typed(o)));
        cycles(false, o -> payments.streamPaymentUpdates(StreamPaymentUpdatesRequest.newBuilder()
                .setUserId(user).build(), typed(o)));
        cycles(true, o -> notifications.listNotifications(ListNotificationsRequest.newBuilder()
                .setUserId(user).build(), typed(o)));
        cycles(false, o -> notifications.subscribe(SubscribeRequest.newBuilder().setUserId(user).build(), typed(o)));

        await().atMost(Duration.ofSeconds(10)).until(() -> liveStreams() == 0.0);
        assertEquals(0, userFeed.subscriberCount());
        assertEquals(0, orderFeed.subscriberCount());
        assertEquals(0, paymentFeed.subscriberCount());
        assertEquals(0, inbox.subscriberCount());
        assertEquals(7, registry.find("grpcshop.stream.subscribers").gauges().size(), "a gauge for each of the 7 streaming methods");
    }

    private double liveStreams() {
        return registry.find("grpcshop.stream.subscribers").gauges().stream().mapToDouble(Gauge::value).sum();
    }
}
