package dev.grpcshop.it;

import com.google.rpc.ErrorInfo;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.support.GrpcTestSupport;
import dev.grpcshop.support.Shop;
import dev.grpcshop.support.Tokens;
import io.grpc.Status;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.grpcshop.support.GrpcTestSupport.assertFails;
import static dev.grpcshop.support.GrpcTestSupport.detail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The database goes away under a running app (here an H2 server the app reaches over TCP, as it reaches
 * PostgreSQL): calls that need it are answered UNAVAILABLE, which clients retry, rather than INTERNAL, and
 * once it is back the app serves again without a restart.
 */
class DatabaseOutageIT {

    @TempDir
    Path dir;

    @Test
    void whileTheDatabaseIsDownCallsAreUnavailableAndOnceItIsBackTheyAreServedAgain() throws Exception {
        int dbPort = PackagedApp.freePort();
        Server database = startDatabase(dbPort);
        PackagedApp app = PackagedApp.start(List.of(
                "-Dquarkus.datasource.jdbc.url=jdbc:h2:tcp://localhost:" + dbPort + "/./grpcshop",
                "-Dquarkus.datasource.jdbc.acquisition-timeout=1s"));
        try (Shop shop = new Shop(GrpcTestSupport.channel(app.grpcPort))) {
            long user = shop.newUser();
            shop.users.getUser(GetUserRequest.newBuilder().setId(user).build()); // now in the user cache

            database.stop();
            com.google.rpc.Status refused = assertFails(Status.Code.UNAVAILABLE, shop::newUser);
            assertEquals("DATABASE_UNAVAILABLE", detail(refused, ErrorInfo.class).getReason());
            assertFails(Status.Code.UNAVAILABLE, () -> shop.orders.createOrder(Shop.order(user, "tok_visa")));
            assertEquals(user, shop.users.getUser(GetUserRequest.newBuilder().setId(user).build()).getId(),
                    "a user in the cache is still answered");
            assertEquals(503, app.httpStatus("/api/v1/users/" + (user + 1), Tokens.admin()), "REST too: a user not in the cache");

            database = startDatabase(dbPort);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> shop.newUser() > 0);
            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED,
                    shop.orders.createOrder(Shop.order(user, "tok_visa")).getStatus());
            assertFalse(app.log().contains("unexpected failure"), "an outage is not logged as a bug");
        } finally {
            app.close();
            database.stop();
        }
    }

    private Server startDatabase(int port) throws Exception {
        return Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", dir.toString(), "-ifNotExists")
                .start();
    }
}
