package dev.grpcshop.platform.security;

import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.support.GrpcTestSupport;
import dev.grpcshop.support.Shop;
import dev.grpcshop.support.Tokens;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.io.File;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The `tls` profile: the gRPC server speaks only TLS, and OrderService's own clients reach the other
 * services over TLS too (an order completes end to end). Clients that do not trust the CA, or speak
 * plaintext, are refused.
 */
@QuarkusTest
@TestProfile(TlsTest.TlsProfile.class)
class TlsTest {

    static final String DIR = "src/test/resources/tls/";

    public static class TlsProfile implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "test,tls";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("GRPC_TLS_CERT", DIR + "server.crt", "GRPC_TLS_KEY", DIR + "server.key",
                    "GRPC_TLS_TRUST_STORE", DIR + "ca.p12", "GRPC_TLS_TRUST_STORE_PASSWORD", "changeit",
                    "GRPC_TLS_CA", DIR + "ca.crt", "GRPC_TLS_CLIENT_CERT", DIR + "client.crt",
                    "GRPC_TLS_CLIENT_KEY", DIR + "client.key");
        }
    }

    /** A TLS channel trusting {@code ca} (null = the JDK's default CAs), presenting a client certificate or not. */
    static ManagedChannel tlsChannel(String ca, boolean clientCertificate) throws SSLException {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (ca != null) {
            ssl.trustManager(new File(ca));
        }
        if (clientCertificate) {
            ssl.keyManager(new File(DIR + "client.crt"), new File(DIR + "client.key"));
        }
        return NettyChannelBuilder.forAddress("localhost", GrpcTestSupport.grpcPort()).sslContext(ssl.build())
                .intercept(Tokens.bearer(Tokens.admin(), false)).build();
    }

    @Test
    void aClientTrustingTheCaPlacesAnOrderThatCrossesAllServicesOverTls() throws Exception {
        try (Shop shop = new Shop(tlsChannel(DIR + "ca.crt", false))) {
            Order order = shop.orders.createOrder(Shop.order(shop.newUser(), "tok_visa"));
            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, order.getStatus());
        }
    }

    @Test
    void aClientWithoutTheCaIsRefused() throws Exception {
        assertRefused(tlsChannel(null, true));
    }

    @Test
    void aPlaintextClientIsRefused() throws Exception {
        assertRefused(GrpcTestSupport.channel());
    }

    static void assertRefused(ManagedChannel channel) throws InterruptedException {
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> UserServiceGrpc
                    .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getUser(GetUserRequest.newBuilder().setId(1).build()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        } finally {
            GrpcTestSupport.close(channel);
        }
    }
}
