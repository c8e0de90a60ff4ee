package dev.grpcshop.order;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.api.payment.v1.Payment;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.platform.GrpcErrors;
import dev.grpcshop.platform.ServiceRole;
import dev.grpcshop.platform.ServiceRoles;
import dev.grpcshop.platform.Timestamps;
import dev.grpcshop.platform.TransientFailure;
import dev.grpcshop.platform.UnderWay;
import io.grpc.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.OptimisticLockException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delivers outbox entries: right after the transaction that wrote them, and again on a schedule until
 * they succeed. A failure worth retrying (dependency unavailable, slow, or its circuit open) waits with
 * exponential backoff and jitter; the idempotency key of each entry makes a repeated delivery harmless.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @Inject
    OrderBook book;
    @Inject
    PaymentClient payments;
    @Inject
    NotificationClient notifications;
    @Inject
    OrdersConfig config;
    @Inject
    ServiceRoles roles;
    @Inject
    MeterRegistry registry;

    /** Entries marked done per statement. */
    private static final int MARK_DONE_BATCH = 500;
    /** How long shutdown waits for deliveries under way (each is bounded by its calls' deadlines). */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private final Map<OutboxEntry.Kind, AtomicLong> backlog = new EnumMap<>(OutboxEntry.Kind.class);
    /**
     * Delivered entries not yet marked done: the next poll marks them all in one statement, instead of a transaction
     * per entry (one per order for its notification). Until then they keep their lease, so nothing delivers them
     * again; after a crash the relay delivers them once more when the lease ends, which their keys make harmless.
     */
    private final Queue<Long> delivered = new ConcurrentLinkedQueue<>();
    private final UnderWay underWay = new UnderWay();
    private ScheduledExecutorService poller;
    private Timer notificationLag;

    @PostConstruct
    void registerMetrics() {
        // from the commit that owed a notification to its delivery, retries included
        notificationLag = Timer.builder("grpcshop.notification.delivery.lag")
                .description("From the commit that owed a notification to its delivery").register(registry);
        for (OutboxEntry.Kind kind : OutboxEntry.Kind.values()) {
            AtomicLong count = new AtomicLong();
            Gauge.builder("grpcshop.outbox.backlog", count, AtomicLong::get)
                    .description("Outbox entries not yet delivered, by kind (as of the last relay poll)")
                    .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
            backlog.put(kind, count);
        }
    }

    /**
     * Polls on a thread of its own, which shutdown stops and waits for (Quarkus's scheduler kept firing while the app
     * shut down: a poll then failed on the closing database or container, with an ERROR). The first poll runs at once:
     * an instance that starts (after a crash, or woken from zero replicas) delivers what is due without waiting for a
     * request.
     */
    void startPolling(@Observes StartupEvent event) {
        if (!roles.runs(ServiceRole.ORDER)) {
            return;
        }
        checkTimings(config.outbox());
        long every = config.outbox().pollInterval().toMillis();
        poller = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "outbox-relay"));
        poller.scheduleWithFixedDelay(this::pollOnce, 0, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Refuses to start with outbox timings that would deliver entries twice or never: a delivered entry stays
     * leased until the next poll marks it done, so the lease must outlast at least two polls.
     */
    static void checkTimings(OrdersConfig.Outbox outbox) {
        List<String> problems = new ArrayList<>();
        if (outbox.pollInterval().compareTo(Duration.ZERO) <= 0) {
            problems.add("poll-interval must be positive");
        } else if (outbox.lease().compareTo(outbox.pollInterval().multipliedBy(2)) < 0) {
            problems.add("lease (" + outbox.lease() + ") must be at least twice poll-interval ("
                    + outbox.pollInterval() + "): a delivered entry stays leased until the next poll marks it done");
        }
        if (outbox.batchSize() < 1) {
            problems.add("batch-size must be at least 1");
        }
        if (outbox.concurrency() < 1) {
            problems.add("concurrency must be at least 1");
        }
        if (outbox.initialBackoff().compareTo(Duration.ZERO) <= 0
                || outbox.maxBackoff().compareTo(outbox.initialBackoff()) < 0) {
            problems.add("initial-backoff must be positive and at most max-backoff (" + outbox.maxBackoff() + ")");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid app.orders.outbox settings: " + String.join("; ", problems));
        }
    }

    private void pollOnce() {
        try {
            deliverDueEntries();
        } catch (RuntimeException e) {
            // e.g. the database unreachable: the next poll tries again (a throwing task would end the schedule)
            LOG.warnf("outbox poll failed: %s", e.toString());
        }
    }

    void deliverDueEntries() {
        if (!underWay.enter()) {
            return;
        }
        try {
            markDelivered();
            book.backlog().forEach((kind, count) -> backlog.get(kind).set(count));
            Instant now = Timestamps.now();
            List<OutboxEntry> due = book.due(now, config.outbox().batchSize());
            // In parallel: one at a time, a backlog left by an outage drains at one delivery per processor round trip.
            Semaphore slots = new Semaphore(config.outbox().concurrency());
            CountDownLatch delivered = new CountDownLatch(due.size());
            for (OutboxEntry entry : due) {
                if (underWay.isClosed() || !book.claim(entry.id, now)) {
                    delivered.countDown(); // closing: the rest stay due for the next poll, here or on another instance
                    continue;
                }
                entry.attempts++;
                slots.acquireUninterruptibly();
                Infrastructure.getDefaultWorkerPool().execute(() -> {
                    try {
                        deliver(entry);
                    } finally {
                        slots.release();
                        delivered.countDown();
                    }
                });
            }
            try {
                delivered.await(); // each delivery is bounded by its calls' deadlines
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            underWay.exit();
        }
    }

    /**
     * At shutdown (SIGTERM, a rolling update) no new delivery starts, and those under way may finish before the
     * database and the container close under them: cut off, they failed with errors in the log. An entry not
     * delivered keeps its lease and is delivered after it by whichever instance polls next.
     */
    void finishDeliveriesUnderWay(@Observes ShutdownEvent event) throws InterruptedException {
        underWay.close();
        if (poller != null) {
            poller.shutdown(); // the poll under way is counted in underWay
        }
        underWay.awaitNone(SHUTDOWN_WAIT);
        markDelivered();
    }

    /** Marks the entries delivered since the last poll done; those it cannot mark wait for the next poll. */
    void markDelivered() {
        List<Long> ids = new ArrayList<>();
        for (Long id = delivered.poll(); id != null; id = delivered.poll()) {
            ids.add(id);
        }
        for (int from = 0; from < ids.size(); from += MARK_DONE_BATCH) {
            try {
                book.markDone(ids.subList(from, Math.min(ids.size(), from + MARK_DONE_BATCH)));
            } catch (RuntimeException e) {
                delivered.addAll(ids.subList(from, ids.size()));
                LOG.warnf("marking %d delivered outbox entries done failed: %s", ids.size() - from, e.toString());
                return;
            }
        }
    }

    /** Delivers the entries on a worker thread, without holding up the caller. */
    void deliverSoon(List<OutboxEntry> entries) {
        if (!entries.isEmpty()) {
            // Context.ROOT: these calls must not inherit the (soon finished) incoming call's deadline and
            // cancellation. The trace goes on, captured now: once the incoming call completes, its tracing
            // context is gone, and a delivery that started later began a trace of its own.
            Runnable deliveries = Context.ROOT.wrap(() -> {
                if (underWay.enter()) {
                    try {
                        entries.forEach(this::deliver);
                    } finally {
                        underWay.exit();
                    }
                }
            });
            Infrastructure.getDefaultWorkerPool().execute(io.opentelemetry.context.Context.current().wrap(deliveries));
        }
    }

    /** Delivers one entry whose lease the caller holds. Never throws: a failure is recorded on the entry. */
    void deliver(OutboxEntry entry) {
        try {
            switch (entry.kind) {
                case CHARGE -> charge(entry);
                case NOTIFY -> {
                    notifications.send(SendNotificationRequest.parseFrom(OrderBook.decode(entry.payload)));
                    delivered.add(entry.id);
                    notificationLag.record(Duration.between(entry.createdAt, Timestamps.now()));
                }
                case REFUND -> {
                    payments.refund(entry.payload);
                    delivered.add(entry.id);
                }
            }
        } catch (RuntimeException | InvalidProtocolBufferException failure) {
            onFailure(entry, failure);
        }
    }

    /**
     * Delivers a CHARGE entry whose lease the caller holds and applies the outcome to the order. Returns the
     * order once its payment is settled (so the caller need not read it again), else null. Never throws.
     */
    OrderEntity charge(OutboxEntry entry) {
        try {
            Payment payment = payments.charge(ProcessPaymentRequest.parseFrom(OrderBook.decode(entry.payload)));
            OrderBook.Settlement settlement = book.applyPayment(entry.id, payment);
            boolean settled = isSettled(payment);
            if (!settled) {
                book.retryLater(entry.id, "payment still " + payment.getState(), backoff(entry.attempts));
            }
            deliverSoon(settlement.next());
            return settled ? settlement.order() : null;
        } catch (RuntimeException | InvalidProtocolBufferException failure) {
            onFailure(entry, failure);
            return null;
        }
    }

    private void onFailure(OutboxEntry entry, Throwable failure) {
        if (!isRefusal(failure)) {
            Duration wait = backoff(entry.attempts);
            LOG.debugf("outbox %s %d for order %s failed (%s), retry in %s", entry.kind, entry.id, entry.orderId,
                    failure, wait);
            book.retryLater(entry.id, failure.toString(), wait);
            return;
        }
        // The other service refused the call itself: retrying cannot help.
        String reason = "rejected: " + io.grpc.Status.Code.values()[GrpcErrors.toStatus(failure).getCode()];
        LOG.errorf("outbox %s %d for order %s refused: %s", entry.kind, entry.id, entry.orderId,
                GrpcErrors.toStatus(failure).getMessage());
        if (entry.kind == OutboxEntry.Kind.CHARGE) {
            deliverSoon(book.failPayment(entry.id, "payment_" + reason.replace(": ", "_").toLowerCase()));
        } else {
            book.markDone(entry.id, reason);
        }
    }

    /**
     * True when the other service answered that the call itself is wrong, which no retry can fix. Anything
     * else (unavailable, slow, circuit open, cancelled, a concurrent update here) is tried again later.
     */
    private static boolean isRefusal(Throwable failure) {
        if (TransientFailure.isTransient(failure) || failure instanceof OptimisticLockException) {
            return false;
        }
        return switch (io.grpc.Status.fromThrowable(failure).getCode()) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, ALREADY_EXISTS, OUT_OF_RANGE -> true;
            default -> false;
        };
    }

    private static boolean isSettled(Payment payment) {
        return switch (payment.getState()) {
            case PAYMENT_STATE_CAPTURED, PAYMENT_STATE_DECLINED -> true;
            default -> false;
        };
    }

    /** initial-backoff x 2^(attempt-1), at most max-backoff, with up to 50% jitter so retries spread out. */
    private Duration backoff(int attempts) {
        long initial = config.outbox().initialBackoff().toMillis();
        long max = config.outbox().maxBackoff().toMillis();
        long exp = initial << Math.min(Math.max(attempts - 1, 0), 20);
        long capped = Math.min(exp, max);
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
