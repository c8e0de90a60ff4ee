package dev.grpcshop.order;

import dev.grpcshop.api.order.v1.GetOrderRequest;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderServiceGrpc;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.payment.PaymentLedger;
import dev.grpcshop.payment.SimulatedPaymentProcessor;
import dev.grpcshop.support.GrpcForwarder;
import dev.grpcshop.support.Shop;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestProfile(FaultInjectionProfile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentAndNotificationOutageTest {

    static final String PROCESS_PAYMENT = "payment.v1.PaymentService/ProcessPayment";

    @Inject
    PaymentLedger ledger;
    @Inject
    SimulatedPaymentProcessor processor;
    @Inject
    CircuitBreakerMaintenance circuitBreakers;
    @Inject
    MeterRegistry registry;
    @Inject
    InMemorySpanExporter spans;

    Shop shop;
    GrpcForwarder paymentA;
    GrpcForwarder paymentB;
    GrpcForwarder notifications;

    @BeforeAll
    void start() {
        shop = Shop.connect();
        paymentA = new GrpcForwarder(FaultInjectionProfile.PAYMENT_A).start();
        paymentB = new GrpcForwarder(FaultInjectionProfile.PAYMENT_B).start();
        notifications = new GrpcForwarder(FaultInjectionProfile.NOTIFICATIONS).start();
    }

    @AfterAll
    void stop() throws InterruptedException {
        paymentA.close();
        paymentB.close();
        notifications.close();
        shop.close();
    }

    @BeforeEach
    void everythingUp() {
        paymentA.start();
        paymentB.start();
        notifications.start();
        paymentA.failNext(0);
        paymentB.failNext(0);
        processor.setLatency(Duration.ZERO);
        circuitBreakers.resetAll();
    }

    private Order place(long user) {
        return shop.orders.withDeadlineAfter(30, TimeUnit.SECONDS).createOrder(Shop.order(user, "tok_visa"));
    }

    private OrderStatus statusOf(String orderId) {
        return shop.orders.getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build()).getStatus();
    }

    @Test
    void chargesSpreadRoundRobinOverTwoPaymentInstancesAndSurviveOneStopping() throws Exception {
        long user = shop.newUser();
        int a0 = paymentA.calls(PROCESS_PAYMENT);
        int b0 = paymentB.calls(PROCESS_PAYMENT);
        for (int i = 0; i < 20; i++) {
            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, place(user).getStatus());
        }
        int a = paymentA.calls(PROCESS_PAYMENT) - a0;
        int b = paymentB.calls(PROCESS_PAYMENT) - b0;
        assertEquals(20, a + b);
        assertTrue(a >= 7 && b >= 7, "round-robin spreads 20 charges over both instances: " + a + " / " + b);

        paymentB.stop();
        for (int i = 0; i < 10; i++) {
            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, place(user).getStatus(),
                    "with one instance down, calls keep succeeding on the other");
        }
    }

    @Test
    void unreachablePaymentServiceLeavesOrdersPendingOpensTheCircuitAndChargesOnceWhenBack() throws Exception {
        long user = shop.newUser();
        paymentA.stop();
        paymentB.stop();
        double opened = circuitOpenings();
        List<Order> placed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            placed.add(place(user));
        }
        placed.forEach(o -> assertEquals(OrderStatus.ORDER_STATUS_PENDING, o.getStatus(),
                "an order whose payment could not be attempted is kept PENDING, not lost"));
        assertTrue(circuitOpenings() > opened, "the circuit breaker opened");

        paymentA.start();
        paymentB.start();
        for (Order order : placed) {
            await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(order.getId()),
                    s -> s == OrderStatus.ORDER_STATUS_CONFIRMED);
            assertEquals(1, ledger.countForOrder(order.getId()), "exactly one charge per order");
        }
    }

    @Test
    void slowPaymentServiceTimesOutButNeverChargesTwice() {
        long user = shop.newUser();
        processor.setLatency(Duration.ofMillis(700)); // authorize + capture: 1.4 s, over the 1 s deadline
        Order order = place(user);
        processor.setLatency(Duration.ZERO);

        await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(order.getId()),
                s -> s == OrderStatus.ORDER_STATUS_CONFIRMED);
        assertEquals(1, ledger.countForOrder(order.getId()), "retries after a timeout reuse the first payment");
    }

    @Test
    void chargesBeyondTheBulkheadAreRefusedAtOnceAndTheRelayChargesThoseOrdersLaterExactlyOnce() throws Exception {
        long user = shop.newUser();
        double rejectedBefore = chargeBulkheadRejections();
        processor.setLatency(Duration.ofMillis(300)); // each charge holds a bulkhead slot for ~0.6 s
        ExecutorService callers = Executors.newFixedThreadPool(10);
        List<Order> orders = new ArrayList<>();
        try {
            List<Future<Order>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(callers.submit(() -> place(user)));
            }
            for (Future<Order> answer : answers) {
                orders.add(answer.get(30, TimeUnit.SECONDS)); // every call is answered with its order
            }
        } finally {
            callers.shutdownNow();
            processor.setLatency(Duration.ZERO);
        }

        assertTrue(chargeBulkheadRejections() > rejectedBefore, "10 charges at once, 4 slots: some were refused");
        assertTrue(orders.stream().anyMatch(o -> o.getStatus() == OrderStatus.ORDER_STATUS_PENDING),
                "a refused charge leaves its order PENDING: " + orders.stream().map(Order::getStatus).toList());
        await().atMost(Duration.ofSeconds(20)).until(() -> orders.stream()
                .allMatch(o -> statusOf(o.getId()) == OrderStatus.ORDER_STATUS_CONFIRMED));
        for (Order order : orders) {
            assertEquals(1, ledger.countForOrder(order.getId()), "charged exactly once");
        }
    }

    @Test
    void notificationServiceDownDuringTwentyOrdersDeliversExactlyTwentyWhenBack() throws Exception {
        long user = shop.newUser();
        notifications.stop();
        for (int i = 0; i < 20; i++) {
            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED,
                    OrderServiceGrpc.newBlockingStub(shop.channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .createOrder(Shop.order(user, "tok_visa")).getStatus());
        }
        Thread.sleep(500);
        assertEquals(0, shop.notificationsOf(user).size(), "nothing could be delivered yet");

        notifications.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> shop.notificationsOf(user).size() >= 20);
        Thread.sleep(1500); // any duplicate delivery would show up by now
        assertEquals(20, shop.notificationsOf(user).size(), "exactly one notification per order");
    }

    @Test
    void everyAttemptOfARetriedChargeIsInTheOrdersTrace() {
        long user = shop.newUser();
        paymentA.failNext(1);
        paymentB.failNext(1); // the first attempt fails, whichever instance it reaches
        spans.reset();
        assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, place(user).getStatus());

        SpanData createOrder = await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("order.v1.OrderService/CreateOrder"))
                .findFirst().orElse(null), s -> s != null);
        // Only this trace's attempts: the batch span processor exports a span up to 50 ms after it ends, so a
        // previous test's last charge can still arrive after reset(). A retry that began a trace of its own would
        // be missing here, and the list would not end with UNAVAILABLE attempts followed by the OK one.
        List<SpanData> attempts = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().equals(PROCESS_PAYMENT))
                .filter(s -> s.getTraceId().equals(createOrder.getTraceId()))
                .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
        List<String> outcomes = attempts.stream().map(s -> Status.fromCodeValue(
                s.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")).intValue()).getCode()
                + "/" + s.getStatus().getStatusCode()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            expected.add("UNAVAILABLE/ERROR"); // a failed attempt is an error in the trace (FailedCallSpansInterceptor)
        }
        expected.add("OK/UNSET");
        assertTrue(attempts.size() >= 2, "the failed attempt and its retry are both in the order's trace: " + outcomes);
        assertEquals(expected, outcomes, "failed attempts, then the one that charged");
    }

    private double chargeBulkheadRejections() {
        return registry.find("ft.bulkhead.calls.total").tag("method", "dev.grpcshop.order.clients.PaymentClient.charge")
                .tag("bulkheadResult", "rejected").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double circuitOpenings() {
        return registry.find("ft.circuitbreaker.opened.total")
                .tag("method", "dev.grpcshop.order.clients.PaymentClient.charge").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
