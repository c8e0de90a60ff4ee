package dev.grpcshop.order;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * OrderService reaches PaymentService through two forwarders (two "instances") and NotificationService
 * through a third, which the tests stop and start; fault-tolerance delays are shortened so tests stay fast.
 */
public class FaultInjectionProfile implements QuarkusTestProfile {

    public static final int PAYMENT_A = freePort();
    public static final int PAYMENT_B = freePort();
    public static final int NOTIFICATIONS = freePort();

    private static final String CHARGE = "dev.grpcshop.order.clients.PaymentClient/charge/";
    private static final String SEND = "dev.grpcshop.order.clients.NotificationClient/send/";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("quarkus.stork.payment-service.service-discovery.address-list",
                        "localhost:" + PAYMENT_A + ",localhost:" + PAYMENT_B),
                Map.entry("quarkus.stork.notification-service.service-discovery.address-list", "localhost:" + NOTIFICATIONS),
                Map.entry("app.clients.payment-deadline", "1s"),
                Map.entry(CHARGE + "Bulkhead/value", "4"), // 64 in production; 4 lets a test fill it
                Map.entry(CHARGE + "Retry/delay", "50"),
                Map.entry(CHARGE + "Retry/jitter", "20"),
                Map.entry(CHARGE + "CircuitBreaker/requestVolumeThreshold", "4"),
                Map.entry(CHARGE + "CircuitBreaker/failureRatio", "0.75"),
                Map.entry(CHARGE + "CircuitBreaker/delay", "1500"),
                Map.entry(CHARGE + "CircuitBreaker/successThreshold", "1"),
                Map.entry(SEND + "Retry/delay", "20"),
                Map.entry(SEND + "CircuitBreaker/delay", "1000"),
                Map.entry(SEND + "CircuitBreaker/successThreshold", "1"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
