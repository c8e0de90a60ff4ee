package dev.grpcshop.platform.security;

import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderServiceGrpc;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.support.Shop;
import dev.grpcshop.support.Tokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bearer tokens and card tokens pass through every layer (auth, order flow, outbox, payments, errors) with
 * the app's own logging at DEBUG and the per-call log on, and show up in no log line, no error message,
 * and no settled outbox row.
 */
@QuarkusTest
@TestProfile(SecretsStayOutOfLogsTest.VerboseLogs.class)
class SecretsStayOutOfLogsTest {

    public static class VerboseLogs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"dev.grpcshop\".level", "DEBUG",
                    "quarkus.log.category.\"grpcshop.calls\".level", "INFO");
        }
    }

    @Inject
    DataSource dataSource;

    @Test
    void tokensAndCardDataAppearInNoLogLineErrorMessageOrSettledOutboxRow() throws Exception {
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
                if (record.getParameters() != null) {
                    for (Object p : record.getParameters()) {
                        line.append(' ').append(p);
                    }
                }
                if (record.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    record.getThrown().printStackTrace(new PrintWriter(trace));
                    line.append(trace);
                }
                lines.add(line.toString());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        String cardToken = "tok_secret_4242424242424242";
        String tooLongCardToken = "tok_" + "7".repeat(400);
        String forged = Tokens.claims("ops-1", "admin").sign(java.security.KeyPairGenerator.getInstance("RSA")
                .generateKeyPair().getPrivate());
        String userToken;
        try (Shop admin = Shop.connect()) {
            long buyer = admin.newUser();
            userToken = Tokens.user(buyer);
            var orders = Tokens.as(userToken, OrderServiceGrpc.newBlockingStub(admin.channel));

            Order order = orders.createOrder(Shop.order(buyer, cardToken));
            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, order.getStatus());
            StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class,
                    () -> orders.createOrder(Shop.order(buyer, tooLongCardToken)));
            assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
            assertFalse(invalid.getStatus().getDescription().contains(tooLongCardToken.substring(0, 40)));
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> Tokens.as(forged,
                    UserServiceGrpc.newBlockingStub(admin.channel)).getUser(GetUserRequest.newBuilder().setId(buyer).build()));
            assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.notificationsOf(buyer).size() == 1);

            try (Connection db = dataSource.getConnection(); ResultSet rows = db.createStatement().executeQuery(
                    "select count(*) from order_outbox where order_id = '" + order.getId() + "' and kind = 'CHARGE'"
                            + " and done_at is not null and payload is null")) {
                rows.next();
                assertEquals(1, rows.getInt(1), "the settled charge keeps no card token");
            }
        } finally {
            root.removeHandler(capture);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("CreateOrder")), "the call log was captured: " + lines.size());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("refused")), "the auth refusal was logged at DEBUG");
        for (String secret : List.of(cardToken, tooLongCardToken.substring(0, 40), userToken, forged,
                signatureOf(userToken), signatureOf(forged))) {
            for (String line : lines) {
                assertFalse(line.contains(secret), "a log line carries a secret: " + line);
            }
        }
    }

    private static String signatureOf(String jwt) {
        return jwt.substring(jwt.lastIndexOf('.') + 1);
    }
}
