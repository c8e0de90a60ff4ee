package dev.grpcshop.it;

import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.api.payment.v1.GetPaymentRequest;
import dev.grpcshop.api.payment.v1.PaymentState;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.support.Shop;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * End-to-end calls against the packaged artifact (the JVM jar, or the native executable with -Dnative),
 * not the test JVM: an order placed over gRPC goes through all four services.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = IsolatedInstance.class, restrictToAnnotatedClass = true)
class PackagedOrderFlowIT {

    private static Shop shop() {
        return new Shop(dev.grpcshop.support.GrpcTestSupport.channel(IsolatedInstance.grpcPort));
    }

    @Test
    void anOrderIsConfirmedChargedAndNotifiedThroughAllFourServices() throws Exception {
        try (Shop shop = shop()) {
            long user = shop.newUser();
            Order order = shop.orders.createOrder(Shop.order(user, "tok_visa"));
            assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, order.getStatus());
            assertEquals(PaymentState.PAYMENT_STATE_CAPTURED, shop.payments.getPayment(
                    GetPaymentRequest.newBuilder().setPaymentId(order.getPaymentId()).build()).getState());
            await().atMost(Duration.ofSeconds(10)).until(() -> shop.notificationsOf(user).size() == 1);
        }
    }

    @Test
    void errorsKeepTheirCodeAndDetailsInThePackagedApp() throws Exception {
        try (Shop shop = shop()) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> shop.users.getUser(GetUserRequest.newBuilder().setId(0).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertEquals("id", dev.grpcshop.support.GrpcTestSupport.fieldViolations(
                    io.grpc.protobuf.StatusProto.fromThrowable(e)).keySet().iterator().next());
        }
    }

    @Test
    void aCallWithoutATokenIsRefusedByThePackagedApp() throws Exception {
        io.grpc.ManagedChannel anonymous = io.grpc.netty.NettyChannelBuilder.forAddress("localhost", IsolatedInstance.grpcPort)
                .usePlaintext().build();
        try {
            var status = dev.grpcshop.support.GrpcTestSupport.assertFails(Status.Code.UNAUTHENTICATED,
                    () -> dev.grpcshop.api.user.v1.UserServiceGrpc.newBlockingStub(anonymous)
                            .getUser(GetUserRequest.newBuilder().setId(1).build()));
            assertEquals("MISSING_TOKEN", dev.grpcshop.support.GrpcTestSupport.detail(status,
                    com.google.rpc.ErrorInfo.class).getReason());
        } finally {
            dev.grpcshop.support.GrpcTestSupport.close(anonymous);
        }
    }

    @Test
    void healthReportsEveryServiceAndMetricsAreExposed() throws Exception {
        try (Shop shop = shop()) {
            var health = HealthGrpc.newBlockingStub(shop.channel);
            for (String service : new String[] {"user.v1.UserService", "order.v1.OrderService",
                    "payment.v1.PaymentService", "notification.v1.NotificationService"}) {
                assertEquals(ServingStatus.SERVING,
                        health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus());
            }
        }
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("grpc_server_processing_duration_seconds"));
    }
}
