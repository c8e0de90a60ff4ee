package dev.grpcshop.platform.runtime;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceRolesTest {

    @Test
    void allRunsEveryService() {
        assertEquals(EnumSet.allOf(ServiceRole.class), new ServiceRoles(List.of("all")).enabled());
    }

    @Test
    void aListRunsOnlyTheNamedServicesIgnoringCaseAndSpaces() {
        ServiceRoles roles = new ServiceRoles(List.of(" User", "order "));
        assertEquals(EnumSet.of(ServiceRole.USER, ServiceRole.ORDER), roles.enabled());
        assertTrue(roles.serves("user.v1.UserService"));
        assertFalse(roles.serves("payment.v1.PaymentService"));
        assertTrue(roles.serves("grpc.health.v1.Health"), "platform services are always served");
    }

    @Test
    void anUnknownServiceNameStopsStartupWithTheValidNames() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ServiceRoles(List.of("user", "billing")));
        assertTrue(e.getMessage().contains("billing") && e.getMessage().contains("user,order,payment,notification"),
                e.getMessage());
    }
}
