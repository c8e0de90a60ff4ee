package dev.grpcshop.platform.security;

import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.support.Shop;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.grpcshop.platform.security.TlsTest.DIR;
import static dev.grpcshop.platform.security.TlsTest.assertRefused;
import static dev.grpcshop.platform.security.TlsTest.tlsChannel;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The `tls` profile with GRPC_TLS_CLIENT_AUTH=REQUIRED: every caller, services included, shows a certificate. */
@QuarkusTest
@TestProfile(MutualTlsTest.MutualTlsProfile.class)
class MutualTlsTest {

    public static class MutualTlsProfile extends TlsTest.TlsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("GRPC_TLS_CLIENT_AUTH", "REQUIRED");
            return config;
        }
    }

    @Test
    void aClientWithACertificatePlacesAnOrderAndTheServicesCallEachOtherWithTheirs() throws Exception {
        try (Shop shop = new Shop(tlsChannel(DIR + "ca.crt", true))) {
            Order order = shop.orders.createOrder(Shop.order(shop.newUser(), "tok_visa"));
            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, order.getStatus());
        }
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        assertRefused(tlsChannel(DIR + "ca.crt", false));
    }
}
