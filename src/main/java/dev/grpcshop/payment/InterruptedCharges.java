package dev.grpcshop.payment;

import dev.grpcshop.platform.runtime.ServiceRole;
import dev.grpcshop.platform.runtime.ServiceRoles;
import dev.grpcshop.platform.runtime.UnderWay;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The sweep that finishes charges interrupted by a crash, so that no payment stays PENDING or AUTHORIZED for good even
 * if nobody retries its request: at startup and then every half {@code app.payments.resume-after}, on a thread of its
 * own that shutdown stops and waits for.
 */
@ApplicationScoped
public class InterruptedCharges {

    private static final Logger LOG = Logger.getLogger(InterruptedCharges.class);
    /** Payments taken over per sweep; the next sweep goes on with the rest. */
    private static final int BATCH = 100;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    @Inject
    Payments payments;
    @Inject
    ServiceRoles roles;
    @Inject
    PaymentsConfig config;

    private final UnderWay underWay = new UnderWay();
    private ScheduledExecutorService sweeper;

    void start(@Observes StartupEvent event) {
        if (!roles.runs(ServiceRole.PAYMENT)) {
            return;
        }
        if (config.resumeAfter().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalStateException("app.payments.resume-after (" + config.resumeAfter()
                    + ") must be at least 1s and longer than a charge can take");
        }
        long every = config.resumeAfter().toMillis() / 2;
        sweeper = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "payment-sweep"));
        sweeper.scheduleWithFixedDelay(this::sweepOnce, 0, every, TimeUnit.MILLISECONDS);
    }

    void sweepOnce() {
        if (!underWay.enter()) {
            return;
        }
        try {
            int resumed = payments.resumeInterrupted(BATCH);
            if (resumed > 0) {
                LOG.infof("finished %d interrupted charge(s)", resumed);
            }
        } catch (RuntimeException e) {
            // e.g. the database unreachable: the next sweep tries again (a throwing task would end the schedule)
            LOG.warnf("payment sweep failed: %s", e.toString());
        } finally {
            underWay.exit();
        }
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        underWay.close();
        if (sweeper != null) {
            sweeper.shutdown();
        }
        underWay.awaitNone(SHUTDOWN_WAIT);
    }
}
