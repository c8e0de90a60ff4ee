package dev.grpcshop.order;

import com.google.rpc.ErrorInfo;
import dev.grpcshop.api.notification.v1.Notification;
import dev.grpcshop.api.notification.v1.NotificationServiceGrpc;
import dev.grpcshop.api.notification.v1.SubscribeRequest;
import dev.grpcshop.api.order.v1.CancelOrderRequest;
import dev.grpcshop.api.order.v1.CreateOrderRequest;
import dev.grpcshop.api.order.v1.ListOrdersRequest;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderServiceGrpc;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.api.order.v1.WatchOrderRequest;
import dev.grpcshop.api.payment.v1.GetPaymentRequest;
import dev.grpcshop.api.payment.v1.Payment;
import dev.grpcshop.api.payment.v1.PaymentServiceGrpc;
import dev.grpcshop.api.payment.v1.PaymentState;
import dev.grpcshop.api.payment.v1.PaymentUpdate;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.api.payment.v1.RefundPaymentRequest;
import dev.grpcshop.api.payment.v1.StreamPaymentUpdatesRequest;
import dev.grpcshop.order.outbox.OutboxDelivery;
import dev.grpcshop.order.outbox.OutboxEntry;
import dev.grpcshop.payment.PaymentLedger;
import dev.grpcshop.payment.SimulatedPaymentProcessor;
import dev.grpcshop.platform.grpc.Timestamps;
import dev.grpcshop.support.Shop;
import dev.grpcshop.user.UserDirectory;
import dev.grpcshop.user.UserState;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.grpcshop.support.GrpcTestSupport.assertFails;
import static dev.grpcshop.support.GrpcTestSupport.detail;
import static dev.grpcshop.support.GrpcTestSupport.fieldViolations;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderFlowTest {

    @Inject
    PaymentLedger ledger;
    @Inject
    OrderBook book;
    @Inject
    dev.grpcshop.order.outbox.OutboxStore outbox;
    @Inject
    SimulatedPaymentProcessor processor;
    @Inject
    UserDirectory users;
    @Inject
    OutboxDelivery delivery;

    Shop shop;

    @BeforeAll
    void connect() {
        shop = Shop.connect();
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        shop.close();
    }

    /** Collects a server stream's messages into a queue. */
    static <T> StreamObserver<T> into(BlockingQueue<T> queue) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                queue.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    @Test
    void happyPathConfirmsTheOrderCapturesOnePaymentAndNotifiesOnce() throws Exception {
        long user = shop.newUser();
        BlockingQueue<PaymentUpdate> paymentUpdates = new LinkedBlockingQueue<>();
        BlockingQueue<Notification> pushed = new LinkedBlockingQueue<>();
        Context.CancellableContext streams = Context.current().withCancellation();
        try {
            streams.run(() -> {
                PaymentServiceGrpc.newStub(shop.channel).streamPaymentUpdates(
                        StreamPaymentUpdatesRequest.newBuilder().setUserId(user).build(), into(paymentUpdates));
                NotificationServiceGrpc.newStub(shop.channel).subscribe(
                        SubscribeRequest.newBuilder().setUserId(user).build(), into(pushed));
            });
            Thread.sleep(300); // let both subscriptions reach the server

            Order order = shop.orders.createOrder(Shop.order(user, "tok_visa"));

            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, order.getStatus());
            assertEquals(3000, order.getTotal().getAmountMinor());
            assertEquals("EUR", order.getTotal().getCurrency());
            var payment = shop.payments.getPayment(GetPaymentRequest.newBuilder().setPaymentId(order.getPaymentId()).build());
            assertEquals(PaymentState.PAYMENT_STATE_CAPTURED, payment.getState());
            assertEquals(order.getTotal(), payment.getAmount());
            assertEquals(1, ledger.countForOrder(order.getId()));

            List<PaymentState> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                PaymentUpdate update = paymentUpdates.poll(5, TimeUnit.SECONDS);
                assertNotNull(update, "payment update " + (i + 1) + " of 3");
                assertEquals(i + 1, update.getSequence());
                seen.add(update.getState());
            }
            assertEquals(List.of(PaymentState.PAYMENT_STATE_PENDING, PaymentState.PAYMENT_STATE_AUTHORIZED,
                    PaymentState.PAYMENT_STATE_CAPTURED), seen);

            Notification notification = pushed.poll(5, TimeUnit.SECONDS);
            assertNotNull(notification, "the subscriber was told");
            assertEquals("order.confirmed", notification.getKind());
            assertTrue(notification.getBody().contains("30.00 EUR"), notification.getBody());
            Thread.sleep(300);
            assertEquals(1, shop.notificationsOf(user).size(), "exactly one notification");
        } finally {
            streams.cancel(null);
        }
    }

    @Test
    void watchOrderSeesPendingThenConfirmedInOrder() throws Exception {
        long user = shop.newUser();
        processor.setLatency(Duration.ofMillis(400));
        try {
            CompletableFuture<Order> placed = CompletableFuture.supplyAsync(
                    () -> shop.orders.createOrder(Shop.order(user, "tok_visa")));
            Order pending = await().atMost(Duration.ofSeconds(5)).until(() -> {
                var it = shop.orders.listOrders(ListOrdersRequest.newBuilder().setUserId(user).build());
                return it.hasNext() ? it.next() : null;
            }, o -> o != null);
            List<Order> watched = new ArrayList<>();
            shop.orders.withDeadlineAfter(10, TimeUnit.SECONDS).watchOrder(WatchOrderRequest.newBuilder().setOrderId(pending.getId()).build())
                    .forEachRemaining(watched::add);

            assertEquals(List.of(OrderStatus.ORDER_STATUS_PENDING, OrderStatus.ORDER_STATUS_CONFIRMED),
                    watched.stream().map(Order::getStatus).toList(), "every state, in order, then the stream ends");
            assertTrue(watched.get(0).getVersion() < watched.get(1).getVersion());
            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, placed.get(10, TimeUnit.SECONDS).getStatus());
        } finally {
            processor.setLatency(Duration.ZERO);
        }
    }

    @Test
    void declinedCardFailsThePaymentAndSendsAFailureNotification() {
        long user = shop.newUser();
        Order order = shop.orders.createOrder(Shop.order(user, SimulatedPaymentProcessor.DECLINE));

        assertEquals(OrderStatus.ORDER_STATUS_PAYMENT_FAILED, order.getStatus());
        assertEquals("card_declined", order.getFailureReason());
        assertEquals(PaymentState.PAYMENT_STATE_DECLINED, shop.payments.getPayment(
                GetPaymentRequest.newBuilder().setPaymentId(order.getPaymentId()).build()).getState());
        List<Notification> notifications = await().atMost(Duration.ofSeconds(5))
                .until(() -> shop.notificationsOf(user), n -> !n.isEmpty());
        assertEquals(1, notifications.size());
        assertEquals("order.payment_failed", notifications.get(0).getKind());
    }

    @Test
    void insufficientFundsAndProcessorTimeoutAreDeclinesWithTheirReasons() {
        long user = shop.newUser();
        assertEquals("insufficient_funds", shop.orders.createOrder(
                Shop.order(user, SimulatedPaymentProcessor.INSUFFICIENT_FUNDS)).getFailureReason());
        Order timedOut = shop.orders.createOrder(Shop.order(user, SimulatedPaymentProcessor.TIMEOUT));
        assertEquals(OrderStatus.ORDER_STATUS_PAYMENT_FAILED, timedOut.getStatus());
        assertEquals("processor_timeout", timedOut.getFailureReason());
    }

    @Test
    void unknownUserIsFailedPreconditionAndNothingIsStored() {
        CreateOrderRequest request = Shop.order(987_654_321L, "tok_visa");
        var status = assertFails(Status.Code.FAILED_PRECONDITION, () -> shop.orders.createOrder(request));
        assertEquals("USER_NOT_FOUND", detail(status, ErrorInfo.class).getReason());
        assertTrue(book.findByKey(request.getIdempotencyKey()).isEmpty());
        assertTrue(!shop.orders.listOrders(ListOrdersRequest.newBuilder().setUserId(987_654_321L).build()).hasNext());
    }

    @Test
    void suspendedUserIsFailedPreconditionAndNothingIsStored() {
        long suspended = shop.users.createUser(dev.grpcshop.api.user.v1.CreateUserRequest.newBuilder()
                .setName("Sus Pended").setEmail("suspended." + System.nanoTime() + "@shop.example.com")
                .setStatus(dev.grpcshop.api.user.v1.UserStatus.USER_STATUS_SUSPENDED).build()).getId();
        CreateOrderRequest request = Shop.order(suspended, "tok_visa");
        var status = assertFails(Status.Code.FAILED_PRECONDITION, () -> shop.orders.createOrder(request));
        assertEquals("USER_NOT_ACTIVE", detail(status, ErrorInfo.class).getReason());
        assertTrue(book.findByKey(request.getIdempotencyKey()).isEmpty());
    }

    @Test
    void invalidItemsAmountsAndCurrencyAreInvalidArgumentWithEveryFieldNamed() {
        long user = shop.newUser();
        CreateOrderRequest bad = Shop.order(user, "tok_visa").toBuilder()
                .setCurrency("eur")
                .setItems(0, Shop.order(user, "x").getItems(0).toBuilder().setQuantity(0))
                .setItems(1, Shop.order(user, "x").getItems(1).toBuilder().setUnitPriceMinor(-5).setSku(""))
                .build();
        var violations = fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.orders.createOrder(bad)));
        assertTrue(violations.get("currency").startsWith("must be an ISO-4217 code"), violations.toString());
        assertTrue(violations.containsKey("items[0].quantity"), violations.toString());
        assertTrue(violations.containsKey("items[1].unit_price_minor"), violations.toString());
        assertTrue(violations.containsKey("items[1].sku"), violations.toString());
        assertTrue(book.findByKey(bad.getIdempotencyKey()).isEmpty());

        CreateOrderRequest unknownCurrency = Shop.order(user, "tok_visa").toBuilder().setCurrency("ABC").build();
        assertEquals("unknown ISO-4217 currency ABC", fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT,
                () -> shop.orders.createOrder(unknownCurrency))).get("currency"));

        CreateOrderRequest empty = Shop.order(user, "tok_visa").toBuilder().clearItems().setIdempotencyKey("").build();
        var emptyViolations = fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT,
                () -> shop.orders.createOrder(empty)));
        assertEquals("must contain at least one item", emptyViolations.get("items"));
        assertEquals("must not be empty", emptyViolations.get("idempotency_key"));

        CreateOrderRequest huge = Shop.order(user, "tok_visa").toBuilder()
                .setItems(0, Shop.order(user, "x").getItems(0).toBuilder().setUnitPriceMinor(Long.MAX_VALUE)).build();
        assertTrue(fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.orders.createOrder(huge)))
                .containsKey("items[0].unit_price_minor"));
        assertTrue(!shop.orders.listOrders(ListOrdersRequest.newBuilder().setUserId(user).build()).hasNext(),
                "no order was stored for any of them");
    }

    @Test
    void valuesPaddedWithSpacesPastTheirLimitAreInvalidArgumentAndNothingIsStored() {
        // stored (and sent on to PaymentService) as sent, so the limits count the padding too
        long user = shop.newUser();
        String padding = " ".repeat(250);
        CreateOrderRequest padded = Shop.order(user, "tok_visa" + padding).toBuilder()
                .setItems(0, Shop.order(user, "x").getItems(0).toBuilder().setSku("BOOK-1" + padding))
                .build();
        var violations = fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT,
                () -> shop.orders.createOrder(padded)));
        assertEquals("must be at most 200 characters", violations.get("card_token"));
        assertEquals("must be at most 64 characters", violations.get("items[0].sku"));
        assertTrue(book.findByKey(padded.getIdempotencyKey()).isEmpty());

        CreateOrderRequest paddedKey = Shop.order(user, "tok_visa").toBuilder()
                .setIdempotencyKey(UUID.randomUUID() + padding).build();
        assertEquals("must be at most 200 characters", fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT,
                () -> shop.orders.createOrder(paddedKey))).get("idempotency_key"));
        assertTrue(!shop.orders.listOrders(ListOrdersRequest.newBuilder().setUserId(user).build()).hasNext(),
                "no order was stored for either");
    }

    @Test
    void aRetryAfterTheUserWasSuspendedStillReturnsTheFirstOrder() {
        long user = shop.newUser();
        CreateOrderRequest request = Shop.order(user, "tok_visa");
        Order first = shop.orders.createOrder(request);
        users.update(user, new UserDirectory.UserPatch(null, null, UserState.SUSPENDED), "test");

        assertEquals(first, shop.orders.createOrder(request), "the retry gets the order it placed");
        assertEquals(1, ledger.countForOrder(first.getId()));
        var status = assertFails(Status.Code.FAILED_PRECONDITION,
                () -> shop.orders.createOrder(Shop.order(user, "tok_visa")));
        assertEquals("USER_NOT_ACTIVE", detail(status, ErrorInfo.class).getReason(), "a new order is refused");
        var reused = assertFails(Status.Code.ALREADY_EXISTS,
                () -> shop.orders.createOrder(request.toBuilder().setCurrency("USD").build()));
        assertEquals("IDEMPOTENCY_KEY_REUSED", detail(reused, ErrorInfo.class).getReason());
    }

    @Test
    void sameKeyAndRequestReturnsTheFirstOrderAndADifferentRequestIsRefused() {
        long user = shop.newUser();
        CreateOrderRequest request = Shop.order(user, "tok_visa");
        Order first = shop.orders.createOrder(request);
        Order again = shop.orders.createOrder(request);
        assertEquals(first, again);
        assertEquals(1, ledger.countForOrder(first.getId()));

        CreateOrderRequest changed = request.toBuilder().setCurrency("USD").build();
        var status = assertFails(Status.Code.ALREADY_EXISTS, () -> shop.orders.createOrder(changed));
        ErrorInfo info = detail(status, ErrorInfo.class);
        assertEquals("IDEMPOTENCY_KEY_REUSED", info.getReason());
        assertEquals(first.getId(), info.getMetadataOrThrow("order_id"));
    }

    @Test
    void fiftyConcurrentCreateOrdersWithOneKeyMakeOneOrderAndOnePayment() throws Exception {
        long user = shop.newUser();
        CreateOrderRequest request = Shop.order(user, "tok_visa");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Order>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(pool.submit(() -> OrderServiceGrpc.newBlockingStub(shop.channel).createOrder(request)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Order> call : calls) {
                ids.add(call.get(30, TimeUnit.SECONDS).getId());
            }
            assertEquals(1, ids.size(), "every caller got the same order");
            String orderId = ids.iterator().next();
            await().atMost(Duration.ofSeconds(10)).until(() -> shop.orders.getOrder(
                    dev.grpcshop.api.order.v1.GetOrderRequest.newBuilder().setOrderId(orderId).build()).getStatus(),
                    s -> s == OrderStatus.ORDER_STATUS_CONFIRMED);
            assertEquals(1, ledger.countForOrder(orderId), "charged exactly once");
            List<Order> orders = new ArrayList<>();
            shop.orders.listOrders(ListOrdersRequest.newBuilder().setUserId(user).build()).forEachRemaining(orders::add);
            assertEquals(1, orders.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancellingAConfirmedOrderRefundsItAndCancellingAFailedOneIsRefused() {
        long user = shop.newUser();
        Order order = shop.orders.createOrder(Shop.order(user, "tok_visa"));
        Order cancelled = shop.orders.cancelOrder(CancelOrderRequest.newBuilder().setOrderId(order.getId()).build());
        assertEquals(OrderStatus.ORDER_STATUS_CANCELLED, cancelled.getStatus());
        await().atMost(Duration.ofSeconds(5)).until(() -> shop.payments.getPayment(
                GetPaymentRequest.newBuilder().setPaymentId(order.getPaymentId()).build()).getState(),
                s -> s == PaymentState.PAYMENT_STATE_REFUNDED);
        await().atMost(Duration.ofSeconds(5)).until(() -> shop.notificationsOf(user).stream()
                .anyMatch(n -> n.getKind().equals("order.cancelled")));
        assertEquals(cancelled.getStatus(), shop.orders.cancelOrder(
                CancelOrderRequest.newBuilder().setOrderId(order.getId()).build()).getStatus(), "cancelling twice is harmless");

        Order failed = shop.orders.createOrder(Shop.order(user, SimulatedPaymentProcessor.DECLINE));
        var status = assertFails(Status.Code.FAILED_PRECONDITION,
                () -> shop.orders.cancelOrder(CancelOrderRequest.newBuilder().setOrderId(failed.getId()).build()));
        assertEquals("ORDER_NOT_CANCELLABLE", detail(status, ErrorInfo.class).getReason());
    }

    @Test
    void listOrdersStreamsEveryOrderOfAUserOnceAcrossDatabasePagesOldestFirst() throws Exception {
        long user = shop.newUser();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Set<String> created = new HashSet<>();
        try {
            List<Future<Order>> calls = new ArrayList<>();
            for (int i = 0; i < 520; i++) { // more than one page of 500
                calls.add(pool.submit(() -> OrderServiceGrpc.newBlockingStub(shop.channel).createOrder(Shop.order(user, "tok_visa"))));
            }
            for (Future<Order> call : calls) {
                created.add(call.get(60, TimeUnit.SECONDS).getId());
            }
        } finally {
            pool.shutdownNow();
        }
        List<Order> listed = new ArrayList<>();
        shop.orders.withDeadlineAfter(30, TimeUnit.SECONDS).listOrders(ListOrdersRequest.newBuilder().setUserId(user).build())
                .forEachRemaining(listed::add);

        assertEquals(created, listed.stream().map(Order::getId).collect(java.util.stream.Collectors.toSet()));
        assertEquals(520, listed.size(), "no order twice");
        for (int i = 1; i < listed.size(); i++) {
            var a = listed.get(i - 1).getCreatedAt();
            var b = listed.get(i).getCreatedAt();
            int byTime = a.getSeconds() != b.getSeconds() ? Long.compare(a.getSeconds(), b.getSeconds())
                    : Integer.compare(a.getNanos(), b.getNanos());
            assertTrue(byTime < 0 || (byTime == 0 && listed.get(i - 1).getId().compareTo(listed.get(i).getId()) < 0),
                    "oldest first at " + i);
        }
        List<Order> firstFive = new ArrayList<>();
        shop.orders.listOrders(ListOrdersRequest.newBuilder().setUserId(user).setLimit(5).build())
                .forEachRemaining(firstFive::add);
        assertEquals(listed.subList(0, 5), firstFive, "limit stops the stream");
    }

    @Test
    void orderAndPaymentIdsAreTimeOrderedUuidsSoNewRowsAppendToTheIndexes() {
        long user = shop.newUser();
        List<String> orderIds = new ArrayList<>();
        List<String> paymentIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Order order = shop.orders.createOrder(Shop.order(user, "tok_visa"));
            orderIds.add(order.getId());
            paymentIds.add(order.getPaymentId());
        }
        for (List<String> ids : List.of(orderIds, paymentIds)) {
            ids.forEach(id -> assertEquals(7, java.util.UUID.fromString(id).version(), id));
            // strictly increasing as text, as the database's indexes compare them, also within one millisecond
            for (int i = 1; i < ids.size(); i++) {
                assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, ids.get(i - 1) + " then " + ids.get(i));
            }
        }
    }

    @Test
    void unknownOrderIsNotFound() {
        assertFails(Status.Code.NOT_FOUND, () -> shop.orders.getOrder(
                dev.grpcshop.api.order.v1.GetOrderRequest.newBuilder().setOrderId("no-such-order").build()));
        assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.orders.getOrder(
                dev.grpcshop.api.order.v1.GetOrderRequest.newBuilder().build()));
    }

    @Test
    void entriesAnOrderOwesAreLeasedToTheDelivererSoTheRelayDoesNotDeliverThemAtTheSameTime() {
        long user = shop.newUser();
        OrderBook.Created created = book.findOrCreatePending(Shop.order(user, "tok_visa"), "lease-test", 3000);
        Payment captured = Payment.newBuilder().setId("payment-of-lease-test")
                .setState(PaymentState.PAYMENT_STATE_CAPTURED).build();

        List<OutboxEntry> owed = book.paymentAnswered(created.charge().id, captured);

        assertEquals(1, owed.size(), "the confirmation notification");
        Set<Long> due = new HashSet<>();
        outbox.due(Timestamps.now(), 100_000).forEach(e -> due.add(e.id));
        assertTrue(!due.contains(created.charge().id) && !due.contains(owed.get(0).id),
                "a relay poll now would deliver an entry its creator is delivering");
        assertTrue(outbox.due(owed.get(0).nextAttemptAt.plusMillis(1), 100_000).stream()
                .anyMatch(e -> e.id.equals(owed.get(0).id)), "after the lease the relay takes over");
    }

    @Test
    void aChargeRetryAnsweredRefundedFailsTheOrderOnceAndIsNotRetriedAgain() throws Exception {
        // The first delivery charged the order, its process died before recording the answer, and an operator
        // refunded the payment before the relay's retry, which PaymentService answers REFUNDED.
        long user = shop.newUser();
        OrderBook.Created created = book.findOrCreatePending(Shop.order(user, "tok_visa"), "refunded-test", 3000);
        ProcessPaymentRequest charge = ProcessPaymentRequest.parseFrom(
                java.util.Base64.getDecoder().decode(created.charge().payload));
        Payment captured = shop.payments.processPayment(charge);
        shop.payments.refundPayment(RefundPaymentRequest.newBuilder().setPaymentId(captured.getId()).build());

        assertTrue(delivery.charge(created.charge()), "the refunded charge settles the order");

        OrderEntity order = book.get(created.order().id);
        assertEquals(OrderStage.PAYMENT_FAILED, order.status);
        assertEquals("payment_refunded", order.failureReason);
        assertNotNull(QuarkusTransaction.requiringNew().call(() -> outbox.get(created.charge().id).doneAt),
                "the charge entry is closed, not retried");
        await().atMost(Duration.ofSeconds(5)).until(() -> shop.notificationsOf(user).size() == 1);
        assertEquals("order.payment_failed", shop.notificationsOf(user).get(0).getKind());
        assertEquals(PaymentState.PAYMENT_STATE_REFUNDED, shop.payments.getPayment(
                GetPaymentRequest.newBuilder().setPaymentId(captured.getId()).build()).getState(), "charged once");
    }

    @Test
    void deliveredNotificationEntriesAreMarkedDoneByTheRelaysNextPoll() {
        long user = shop.newUser();
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            orderIds.add(shop.orders.createOrder(Shop.order(user, "tok_visa")).getId());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> shop.notificationsOf(user).size() == 3);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> notifyEntriesOf(orderIds).stream().allMatch(e -> e.doneAt != null));
        List<OutboxEntry> entries = notifyEntriesOf(orderIds);
        assertEquals(3, entries.size());
        assertTrue(entries.stream().allMatch(e -> e.attempts == 1 && e.lastError == null), "each delivered once");
        Set<Long> dueAfterTheirLeases = new HashSet<>();
        outbox.due(Timestamps.now().plus(Duration.ofHours(1)), 100_000).forEach(e -> dueAfterTheirLeases.add(e.id));
        assertTrue(entries.stream().noneMatch(e -> dueAfterTheirLeases.contains(e.id)), "none is delivered again");
        assertEquals(3, shop.notificationsOf(user).size());
    }

    private static List<OutboxEntry> notifyEntriesOf(List<String> orderIds) {
        return QuarkusTransaction.requiringNew().call(() -> OutboxEntry.<OutboxEntry> list(
                "orderId in ?1 and kind = ?2", orderIds, OutboxEntry.Kind.NOTIFY));
    }
}
