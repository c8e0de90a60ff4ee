package dev.grpcshop.order.outbox;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.api.payment.v1.Payment;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.order.OrderStage;
import dev.grpcshop.order.OrdersConfig;
import dev.grpcshop.order.clients.NotificationClient;
import dev.grpcshop.order.clients.PaymentClient;
import dev.grpcshop.platform.error.GrpcErrors;
import dev.grpcshop.platform.grpc.Timestamps;
import dev.grpcshop.platform.grpc.TransientFailure;
import dev.grpcshop.platform.runtime.UnderWay;
import io.grpc.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.OptimisticLockException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Makes the call an outbox entry owes: right after the transaction that wrote it (the CreateOrder or CancelOrder that
 * holds its lease), and again from {@link OutboxPoller} until it succeeds. A failure worth retrying (dependency
 * unavailable, slow, or its circuit open) waits with exponential backoff and jitter; a refusal no retry can fix
 * closes the entry. The idempotency key of each entry makes a repeated delivery harmless.
 */
@ApplicationScoped
public class OutboxDelivery {

    private static final Logger LOG = Logger.getLogger(OutboxDelivery.class);
    /** Entries marked done per statement. */
    private static final int MARK_DONE_BATCH = 500;

    @Inject
    OutboxStore store;
    @Inject
    ChargeOutcomes outcomes;
    @Inject
    PaymentClient payments;
    @Inject
    NotificationClient notifications;
    @Inject
    OrdersConfig config;
    @Inject
    MeterRegistry registry;

    /**
     * Delivered entries not yet marked done: the poller's next poll marks them all in one statement, instead of a
     * transaction per entry (one per order for its notification). Until then they keep their lease, so nothing delivers
     * them again; after a crash they are delivered once more when the lease ends, which their keys make harmless.
     */
    private final Queue<Long> delivered = new ConcurrentLinkedQueue<>();
    /** Deliveries and polls under way, which shutdown waits for. */
    private final UnderWay underWay = new UnderWay();
    private Timer notificationLag;

    @PostConstruct
    void registerMetrics() {
        notificationLag = Timer.builder("grpcshop.notification.delivery.lag")
                .description("From the commit that owed a notification to its delivery").register(registry);
    }

    /**
     * Delivers a CHARGE entry whose lease the caller holds and applies the outcome to its order; a payment still in
     * progress elsewhere leaves the entry due again after a backoff. Never throws; true if the charge was settled.
     */
    public boolean charge(OutboxEntry entry) {
        try {
            Payment payment = payments.charge(ProcessPaymentRequest.parseFrom(OutboxStore.decode(entry.payload)));
            List<OutboxEntry> next = outcomes.paymentAnswered(entry.id, payment);
            if (!OrderStage.settles(payment.getState())) {
                store.retryLater(entry.id, "payment still " + payment.getState(), backoff(entry.attempts));
                return false;
            }
            deliverSoon(next);
            return true;
        } catch (RuntimeException | InvalidProtocolBufferException failure) {
            return onFailure(entry, failure);
        }
    }

    /** Delivers the entries on a worker thread, without holding up the caller. */
    public void deliverSoon(List<OutboxEntry> entries) {
        if (!entries.isEmpty()) {
            // Context.ROOT: these calls must not inherit the (soon finished) incoming call's deadline and
            // cancellation. The trace goes on, captured now: once the incoming call completes, its tracing
            // context is gone, and a delivery that started later began a trace of its own.
            Runnable deliveries = Context.ROOT.wrap((Runnable) () -> runIfOpen(() -> {
                entries.forEach(this::deliver);
                return true;
            }));
            Infrastructure.getDefaultWorkerPool().execute(io.opentelemetry.context.Context.current().wrap(deliveries));
        }
    }

    /**
     * Delivers one entry whose lease the caller holds. Never throws: a failure is recorded on the entry. True if the
     * entry was settled (delivered, or closed as refused), false if it waits for a retry.
     */
    boolean deliver(OutboxEntry entry) {
        try {
            switch (entry.kind) {
                case CHARGE -> {
                    return charge(entry);
                }
                case NOTIFY -> {
                    notifications.send(SendNotificationRequest.parseFrom(OutboxStore.decode(entry.payload)));
                    delivered.add(entry.id);
                    notificationLag.record(Duration.between(entry.createdAt, Timestamps.now()));
                }
                case REFUND -> {
                    payments.refund(entry.payload);
                    delivered.add(entry.id);
                }
            }
            return true;
        } catch (RuntimeException | InvalidProtocolBufferException failure) {
            return onFailure(entry, failure);
        }
    }

    /** Runs {@code work} counted as under way, unless shutdown has begun; its answer, or false if it did not run. */
    boolean runIfOpen(BooleanSupplier work) {
        if (!underWay.enter()) {
            return false;
        }
        try {
            return work.getAsBoolean();
        } finally {
            underWay.exit();
        }
    }

    /** Whether shutdown has begun: no delivery starts any more. */
    boolean isClosing() {
        return underWay.isClosed();
    }

    /**
     * Starts no delivery any more and waits (at most {@code max}) for those under way, then marks what they delivered
     * done. Beans are called through their proxies, so other beans reach this state only through methods like this.
     */
    void close(Duration max) throws InterruptedException {
        underWay.close();
        underWay.awaitNone(max);
        markDelivered();
    }

    /** Marks the entries delivered since the last call done; those it cannot mark wait for the next call. */
    void markDelivered() {
        List<Long> ids = new ArrayList<>();
        for (Long id = delivered.poll(); id != null; id = delivered.poll()) {
            ids.add(id);
        }
        for (int from = 0; from < ids.size(); from += MARK_DONE_BATCH) {
            try {
                store.markDone(ids.subList(from, Math.min(ids.size(), from + MARK_DONE_BATCH)));
            } catch (RuntimeException e) {
                delivered.addAll(ids.subList(from, ids.size()));
                LOG.warnf("marking %d delivered outbox entries done failed: %s", ids.size() - from, e.toString());
                return;
            }
        }
    }

    /** Records a failed delivery; true if that closed the entry (a refusal), false if it is retried later. */
    private boolean onFailure(OutboxEntry entry, Throwable failure) {
        if (!isRefusal(failure)) {
            Duration wait = backoff(entry.attempts);
            LOG.debugf("outbox %s %d for order %s failed (%s), retry in %s", entry.kind, entry.id, entry.orderId,
                    failure, wait);
            store.retryLater(entry.id, failure.toString(), wait);
            return false;
        }
        // The other service refused the call itself: retrying cannot help.
        String reason = "rejected: " + io.grpc.Status.Code.values()[GrpcErrors.toStatus(failure).getCode()];
        LOG.errorf("outbox %s %d for order %s refused: %s", entry.kind, entry.id, entry.orderId,
                GrpcErrors.toStatus(failure).getMessage());
        if (entry.kind == OutboxEntry.Kind.CHARGE) {
            deliverSoon(outcomes.paymentRefused(entry.id, "payment_" + reason.replace(": ", "_").toLowerCase()));
        } else {
            store.markDone(entry.id, reason);
        }
        return true;
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

    /** initial-backoff x 2^(attempt-1), at most max-backoff, with up to 50% jitter so retries spread out. */
    private Duration backoff(int attempts) {
        long initial = config.outbox().initialBackoff().toMillis();
        long max = config.outbox().maxBackoff().toMillis();
        long exp = initial << Math.min(Math.max(attempts - 1, 0), 20);
        long capped = Math.min(exp, max);
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
