package dev.grpcshop.platform.runtime;

import dev.grpcshop.api.order.v1.GetOrderRequest;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.support.Shop;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** An instance started with app.services=user,payment serves those two and no other. */
@QuarkusTest
@TestProfile(ServiceSubsetTest.UserAndPaymentOnly.class)
class ServiceSubsetTest {

    public static class UserAndPaymentOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.services", "user,payment");
        }
    }

    @Test
    void aServiceThisInstanceDoesNotRunIsUnimplementedAndUnknownToHealth() throws Exception {
        try (Shop shop = Shop.connect()) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> shop.orders.getOrder(GetOrderRequest.newBuilder().setOrderId("x").build()));
            assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
            assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                    () -> shop.users.getUser(GetUserRequest.newBuilder().setId(987_654_321L).build()))
                    .getStatus().getCode(), "UserService still answers");

            var health = HealthGrpc.newBlockingStub(shop.channel);
            assertEquals(ServingStatus.SERVING, health.check(check("user.v1.UserService")).getStatus());
            assertEquals(ServingStatus.SERVING, health.check(check("payment.v1.PaymentService")).getStatus());
            assertEquals(ServingStatus.UNKNOWN, health.check(check("order.v1.OrderService")).getStatus());
            assertEquals(ServingStatus.UNKNOWN, health.check(check("notification.v1.NotificationService")).getStatus());
        }
    }

    private static HealthCheckRequest check(String service) {
        return HealthCheckRequest.newBuilder().setService(service).build();
    }
}
