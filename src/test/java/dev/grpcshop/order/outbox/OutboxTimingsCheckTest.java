package dev.grpcshop.order.outbox;

import dev.grpcshop.order.OrdersConfig;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox poller's start-up check of app.orders.outbox.* (OrderService refuses to start on a failed check). */
class OutboxTimingsCheckTest {

    record Timings(Duration pollInterval, int batchSize, int concurrency, Duration initialBackoff,
            Duration maxBackoff, Duration lease) implements OrdersConfig.Outbox {
    }

    static final Timings DEFAULTS = new Timings(Duration.ofSeconds(1), 100, 16, Duration.ofMillis(500),
            Duration.ofSeconds(30), Duration.ofSeconds(60));

    @Test
    void theDefaultTimingsPass() {
        assertDoesNotThrow(() -> OutboxPoller.checkTimings(DEFAULTS));
    }

    @Test
    void aLeaseShorterThanTwoPollsIsRefusedBecauseDeliveredEntriesWouldBeDeliveredAgain() {
        Timings timings = new Timings(Duration.ofSeconds(40), 100, 16, Duration.ofMillis(500), Duration.ofSeconds(30),
                Duration.ofSeconds(60));

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> OutboxPoller.checkTimings(timings));

        assertTrue(refused.getMessage().contains("lease (PT1M) must be at least twice poll-interval (PT40S)"),
                refused.getMessage());
    }

    @Test
    void everyInvalidSettingIsNamedInOneMessage() {
        Timings timings = new Timings(Duration.ZERO, 0, 0, Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(60));

        String message = assertThrows(IllegalStateException.class, () -> OutboxPoller.checkTimings(timings))
                .getMessage();

        assertTrue(message.startsWith("invalid app.orders.outbox settings: "), message);
        assertTrue(message.contains("poll-interval must be positive"), message);
        assertTrue(message.contains("batch-size must be at least 1"), message);
        assertTrue(message.contains("concurrency must be at least 1"), message);
        assertTrue(message.contains("initial-backoff must be positive and at most max-backoff"), message);
    }
}
