package dev.grpcshop.it;

import dev.grpcshop.api.notification.v1.ListNotificationsRequest;
import dev.grpcshop.api.notification.v1.NotificationServiceGrpc;
import dev.grpcshop.api.order.v1.CreateOrderRequest;
import dev.grpcshop.api.order.v1.GetOrderRequest;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderServiceGrpc;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.support.Shop;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CreateOrder load as a careful client sends it: one idempotency key per order, and every failure that may be
 * transient retried with the same request until an order comes back. Remembers what each key was answered.
 * Every tenth order pays with a declining card.
 */
final class OrderLoad {

    /** Statuses that say the request itself is wrong: retrying cannot help, and this load never provokes them. */
    private static final Set<Status.Code> REFUSALS = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.ALREADY_EXISTS,
            Status.Code.NOT_FOUND, Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED,
            Status.Code.FAILED_PRECONDITION);

    /**
     * At most one order per worker in this time. While PaymentService is down, orders come back PENDING at once, so an
     * unpaced load leaves the outbox as many charges as the machine is fast: 3,400 in 24 s on a fast one, more than
     * the relay charged within the audit's 90 s wait (each charge waits twice 150 ms on the simulated processor).
     */
    private static final Duration PACE = Duration.ofMillis(150);

    /** One answered order: the request (to send again) and the order id its key was first answered with. */
    record Answered(CreateOrderRequest request, String orderId, boolean declining) {
    }

    private final ManagedChannel orderChannel;
    private final OrderServiceGrpc.OrderServiceBlockingStub orders;
    private final NotificationServiceGrpc.NotificationServiceBlockingStub notifications;
    private final List<Long> users;
    final Map<String, Answered> answered = new ConcurrentHashMap<>();
    final Map<Status.Code, AtomicInteger> retriedByCode = new ConcurrentHashMap<>();
    final List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Orders answered PENDING: their charge was left to the outbox (PaymentService down, slow, or killed). */
    final AtomicInteger answeredPending = new AtomicInteger();
    /** Keys answered with an order other than the one they were first answered with. */
    final AtomicInteger keysWithTwoOrders = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();

    OrderLoad(ManagedChannel orderChannel, ManagedChannel notificationChannel, List<Long> users) {
        this.orderChannel = orderChannel;
        this.orders = OrderServiceGrpc.newBlockingStub(orderChannel);
        this.notifications = NotificationServiceGrpc.newBlockingStub(notificationChannel);
        this.users = users;
    }

    /** One worker per user, each placing orders one after another, at most one per {@link #PACE}, until {@code stopAt}. */
    void start(Instant stopAt) {
        Instant giveUpAt = stopAt.plus(Duration.ofSeconds(90));
        for (long user : users) {
            Thread worker = new Thread(() -> {
                for (int n = 1; Instant.now().isBefore(stopAt); n++) {
                    Instant next = Instant.now().plus(PACE);
                    boolean declining = n % 10 == 0;
                    place(Shop.order(user, declining ? "tok_decline" : "tok_visa"), declining, giveUpAt);
                    sleep(Duration.between(Instant.now(), next));
                }
            }, "order-load-" + user);
            worker.start();
            workers.add(worker);
        }
    }

    /** Places one order for the first user, paid with a card that approves, and waits for its answer. */
    void placeOne() {
        place(Shop.order(users.get(0), "tok_visa"), false, Instant.now().plus(Duration.ofSeconds(60)));
    }

    /** Waits for every worker to have its last order answered (or to give up on it). */
    void awaitWorkers() throws InterruptedException {
        for (Thread worker : workers) {
            worker.join(Duration.ofSeconds(120).toMillis());
        }
    }

    private void place(CreateOrderRequest request, boolean declining, Instant giveUpAt) {
        while (Instant.now().isBefore(giveUpAt)) {
            try {
                Order order = orders.withDeadlineAfter(10, TimeUnit.SECONDS).createOrder(request);
                Answered first = answered.putIfAbsent(request.getIdempotencyKey(),
                        new Answered(request, order.getId(), declining));
                if (first != null && !first.orderId().equals(order.getId())) {
                    keysWithTwoOrders.incrementAndGet();
                }
                if (order.getStatus() == OrderStatus.ORDER_STATUS_PENDING) {
                    answeredPending.incrementAndGet();
                }
                return;
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (REFUSALS.contains(code)) {
                    refused.add(request.getIdempotencyKey() + ": " + e.getStatus());
                    return;
                }
                retriedByCode.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
                orderChannel.resetConnectBackoff(); // the server may be back: try it now, not after grpc-java's backoff
                sleep(Duration.ofMillis(100));
            }
        }
        refused.add(request.getIdempotencyKey() + ": no answer before giving up");
    }

    /**
     * Sends every answered request once more: the key must give the same order. Counts the keys that do not (another
     * order, or none: the first one was lost).
     */
    int askAgain() {
        int differ = 0;
        for (Answered a : answered.values()) {
            try {
                Order again = orders.withDeadlineAfter(10, TimeUnit.SECONDS).createOrder(a.request());
                if (!again.getId().equals(a.orderId())) {
                    differ++;
                }
            } catch (StatusRuntimeException e) {
                differ++;
            }
        }
        keysWithTwoOrders.addAndGet(differ);
        return differ;
    }

    /**
     * Waits until every answered order has left PENDING and every user has a notification per order, at most
     * {@code max}; true if that happened. An order that no longer exists does not hold the wait up (it is reported).
     */
    boolean awaitSettled(Duration max) {
        Instant deadline = Instant.now().plus(max);
        while (Instant.now().isBefore(deadline)) {
            if (settled()) {
                return true;
            }
            sleep(Duration.ofMillis(500));
        }
        return false;
    }

    private boolean settled() {
        try {
            Map<Long, Integer> ordersPerUser = new TreeMap<>();
            for (Answered a : answered.values()) {
                try {
                    Order order = orders.withDeadlineAfter(5, TimeUnit.SECONDS)
                            .getOrder(GetOrderRequest.newBuilder().setOrderId(a.orderId()).build());
                    if (order.getStatus() == OrderStatus.ORDER_STATUS_PENDING) {
                        return false;
                    }
                    ordersPerUser.merge(order.getUserId(), 1, Integer::sum);
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                        return false;
                    }
                }
            }
            for (Map.Entry<Long, Integer> user : ordersPerUser.entrySet()) {
                int[] count = {0};
                notifications.withDeadlineAfter(10, TimeUnit.SECONDS).listNotifications(
                        ListNotificationsRequest.newBuilder().setUserId(user.getKey()).build())
                        .forEachRemaining(n -> count[0]++);
                if (count[0] < user.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (StatusRuntimeException e) {
            return false; // a service still starting
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
