package dev.grpcshop.order.outbox;

import dev.grpcshop.order.OrdersConfig;
import dev.grpcshop.platform.runtime.ServiceRole;
import dev.grpcshop.platform.runtime.ServiceRoles;
import dev.grpcshop.platform.grpc.Timestamps;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers due outbox entries on a schedule, on an instance that runs OrderService: every
 * {@code app.orders.outbox.poll-interval}, starting at once, so an instance that starts (after a crash, or woken from
 * zero replicas) delivers what is due without waiting for a request. Also marks delivered entries done and publishes
 * the backlog gauge. Polls on a thread of its own, which shutdown stops and waits for (Quarkus's scheduler keeps firing
 * while the app shuts down, and a poll then fails on the closing database with an ERROR).
 */
@ApplicationScoped
public class OutboxPoller {

    private static final Logger LOG = Logger.getLogger(OutboxPoller.class);
    /** How long shutdown waits for deliveries under way (each is bounded by its calls' deadlines). */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    @Inject
    OutboxStore store;
    @Inject
    OutboxDelivery delivery;
    @Inject
    OrdersConfig config;
    @Inject
    ServiceRoles roles;
    @Inject
    MeterRegistry registry;

    private final Map<OutboxEntry.Kind, AtomicLong> backlog = new EnumMap<>(OutboxEntry.Kind.class);
    private ScheduledExecutorService poller;

    @PostConstruct
    void registerMetrics() {
        for (OutboxEntry.Kind kind : OutboxEntry.Kind.values()) {
            AtomicLong count = new AtomicLong();
            Gauge.builder("grpcshop.outbox.backlog", count, AtomicLong::get)
                    .description("Outbox entries not yet delivered, by kind (as of the last relay poll)")
                    .tag("kind", kind.name().toLowerCase(Locale.ROOT)).register(registry);
            backlog.put(kind, count);
        }
    }

    void start(@Observes StartupEvent event) {
        if (!roles.runs(ServiceRole.ORDER)) {
            return;
        }
        checkTimings(config.outbox());
        long every = config.outbox().pollInterval().toMillis();
        poller = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "outbox-poller"));
        poller.scheduleWithFixedDelay(this::pollOnce, 0, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Refuses to start with outbox settings that would deliver entries twice or never: a delivered entry stays
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
            while (delivery.runIfOpen(this::deliverDueEntries)) {
                // a backlog (after an outage) drains batch after batch, not one batch per poll-interval
            }
        } catch (RuntimeException e) {
            // e.g. the database unreachable: the next poll tries again (a throwing task would end the schedule)
            LOG.warnf("outbox poll failed: %s", e.toString());
        }
    }

    /**
     * Delivers a batch of due entries; true if it was full and settled some, so more are likely due and the
     * dependency answers. A batch that settled none (the dependency still down) leaves the rest to the next poll.
     */
    boolean deliverDueEntries() {
        delivery.markDelivered();
        store.backlog().forEach((kind, count) -> backlog.get(kind).set(count));
        Instant now = Timestamps.now();
        List<OutboxEntry> due = store.due(now, config.outbox().batchSize());
        // In parallel: one at a time, a backlog left by an outage drains at one delivery per processor round trip.
        Semaphore slots = new Semaphore(config.outbox().concurrency());
        CountDownLatch finished = new CountDownLatch(due.size());
        AtomicInteger settled = new AtomicInteger();
        for (OutboxEntry entry : due) {
            if (delivery.isClosing() || !store.claim(entry.id, now)) {
                finished.countDown(); // closing: the rest stay due for the next poll, here or on another instance
                continue;
            }
            entry.attempts++;
            slots.acquireUninterruptibly();
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try {
                    if (delivery.deliver(entry)) {
                        settled.incrementAndGet();
                    }
                } finally {
                    slots.release();
                    finished.countDown();
                }
            });
        }
        try {
            finished.await(); // each delivery is bounded by its calls' deadlines
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return due.size() == config.outbox().batchSize() && settled.get() > 0;
    }

    /**
     * At shutdown (SIGTERM, a rolling update) no new delivery starts, and those under way may finish before the
     * database and the container close under them (cut off, they fail with errors in the log). This runs after
     * health reports NOT_SERVING (priority 50) and before the gRPC drain (ShutdownDrainInterceptor, priority 100): a
     * delivery calls services this instance may serve itself, and a call that arrives after the drain meets a closed
     * database. An entry not delivered keeps its lease and is delivered after it by whichever instance polls next.
     */
    void stop(@Observes @Priority(60) ShutdownEvent event) throws InterruptedException {
        if (poller != null) {
            poller.shutdown(); // a poll under way is counted among the deliveries under way
        }
        delivery.close(SHUTDOWN_WAIT);
    }
}
