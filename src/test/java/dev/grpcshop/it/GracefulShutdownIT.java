package dev.grpcshop.it;

import com.google.common.util.concurrent.ListenableFuture;
import dev.grpcshop.api.order.v1.ListOrdersRequest;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderServiceGrpc;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.support.GrpcTestSupport;
import dev.grpcshop.support.Shop;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rolling update stops instances with SIGTERM: the calls under way are answered, and nothing in the logs
 * looks like a failure.
 */
class GracefulShutdownIT {

    @TempDir
    Path dataDir;

    @Test
    void anOrderUnderWayWhenTheAppIsStoppedIsAnsweredBeforeItExits() throws Exception {
        // each payment step takes 1 s here, so the order is still being charged when SIGTERM arrives
        List<String> options = onDatabase("orders", "-Dapp.payments.simulator.latency=1s");
        PackagedApp app = PackagedApp.start(options);
        try (Shop shop = new Shop(GrpcTestSupport.channel(app.grpcPort))) {
            long user = shop.newUser();
            ListenableFuture<Order> order = OrderServiceGrpc.newFutureStub(shop.channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS).createOrder(Shop.order(user, "tok_visa"));
            // stop once the order is stored PENDING: its charge (2 s) is then under way
            await().atMost(Duration.ofSeconds(15)).until(() -> shop.orders.listOrders(
                    ListOrdersRequest.newBuilder().setUserId(user).build()).hasNext());
            app.close();
            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, order.get(20, TimeUnit.SECONDS).getStatus(),
                    "answered, not cut off");
            String log = app.log();
            assertFalse(log.contains(" ERROR "), log);
        } finally {
            app.close();
        }
    }

    @Test
    void stoppingWhileTheOutboxPollerPollsLogsNoError() throws Exception {
        // The outbox poller polls every 20 ms here, so each stop is likely to land while a poll is due.
        List<String> options = onDatabase("grpcshop", "-Dapp.orders.outbox.poll-interval=0.02s");
        for (int stop = 1; stop <= 3; stop++) {
            PackagedApp app = PackagedApp.start(options);
            Thread.sleep(300);
            app.close();
            String log = app.log();
            assertFalse(log.contains(" ERROR "), "stop " + stop + " logged an error:\n" + log);
        }
    }

    @Test
    void duringTheShutdownDelayHealthSaysNotServingWhileCallsAreStillAnswered() throws Exception {
        List<String> options = onDatabase("delay", "-Dquarkus.shutdown.delay=3s");
        PackagedApp app = PackagedApp.start(options);
        try (Shop shop = new Shop(GrpcTestSupport.channel(app.grpcPort))) {
            BlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
            HealthGrpc.newStub(shop.channel).watch(HealthCheckRequest.newBuilder().setService("order.v1.OrderService")
                    .build(), new StreamObserver<>() {
                        @Override
                        public void onNext(HealthCheckResponse response) {
                            watched.add(response.getStatus());
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            assertEquals(ServingStatus.SERVING, watched.poll(10, TimeUnit.SECONDS));

            app.signalStop();
            assertEquals(ServingStatus.NOT_SERVING, watched.poll(2, TimeUnit.SECONDS), "Watch is told at SIGTERM");
            assertEquals(ServingStatus.NOT_SERVING, HealthGrpc.newBlockingStub(shop.channel)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus(), "the server as a whole too");
            assertEquals(503, app.httpStatus("/q/health/ready", null), "/q/health/ready is DOWN");
            assertTrue(shop.newUser() > 0, "calls are still answered while load balancers catch up");

            app.close();
            String log = app.log();
            assertFalse(log.contains(" ERROR "), log);
        } finally {
            app.close();
        }
    }

    /**
     * The app on an H2 file of its own, plus {@code options}. DB_CLOSE_ON_EXIT=FALSE as in the default URL: else
     * H2's own shutdown hook closes the database at once, under the calls being drained.
     */
    private List<String> onDatabase(String name, String... options) {
        List<String> all = new java.util.ArrayList<>(List.of("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:"
                + dataDir.resolve(name) + ";DB_CLOSE_ON_EXIT=FALSE"));
        all.addAll(List.of(options));
        return all;
    }
}
