package dev.grpcshop.order.outbox;

import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.order.FaultInjectionProfile;
import dev.grpcshop.support.GrpcForwarder;
import dev.grpcshop.support.Shop;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How one poll of the outbox relay goes on through a backlog: batch after batch while they settle entries. */
@QuarkusTest
@TestProfile(OutboxBacklogTest.PolledByTheTest.class)
class OutboxBacklogTest {

    /** Batches of 3, and no scheduled poll after the one at start: the test polls. */
    public static class PolledByTheTest extends FaultInjectionProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("app.orders.outbox.poll-interval", "1h");
            overrides.put("app.orders.outbox.lease", "2h");
            overrides.put("app.orders.outbox.batch-size", "3");
            return overrides;
        }
    }

    @Inject
    OutboxPoller poller;
    @Inject
    CircuitBreakerMaintenance circuitBreakers;

    @Test
    void aFullBatchThatSettledEntriesIsFollowedByTheNextAndOneThatSettledNoneEndsThePoll() throws Exception {
        try (Shop shop = Shop.connect();
                GrpcForwarder paymentA = new GrpcForwarder(FaultInjectionProfile.PAYMENT_A).start();
                GrpcForwarder paymentB = new GrpcForwarder(FaultInjectionProfile.PAYMENT_B).start();
                GrpcForwarder notifications = new GrpcForwarder(FaultInjectionProfile.NOTIFICATIONS).start()) {
            long user = shop.newUser();
            notifications.failNext(Integer.MAX_VALUE); // up but failing every call: each order leaves a NOTIFY entry
            for (int i = 0; i < 7; i++) {
                assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, shop.orders.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .createOrder(Shop.order(user, "tok_visa")).getStatus());
            }
            Thread.sleep(1200); // every entry's retry is due (max-backoff 1s in tests)

            assertFalse(poller.deliverDueEntries(), "a full batch that settled nothing: the service still fails");

            notifications.failNext(0);
            circuitBreakers.resetAll();
            Thread.sleep(1200);
            assertTrue(poller.deliverDueEntries(), "3 of 7 settled: go on");
            assertTrue(poller.deliverDueEntries(), "6 of 7 settled: go on");
            assertFalse(poller.deliverDueEntries(), "the last one: the batch was not full");
            assertEquals(7, shop.notificationsOf(user).size(), "one notification per order");
        }
    }
}
