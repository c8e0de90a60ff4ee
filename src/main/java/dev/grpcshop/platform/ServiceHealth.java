package dev.grpcshop.platform;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Reports on grpc.health.v1 each service this instance runs as SERVING once the app has started; a
 * service it does not run stays UNKNOWN.
 */
@ApplicationScoped
public class ServiceHealth {

    @Inject
    GrpcHealthStorage health;
    @Inject
    ServiceRoles roles;

    void onStart(@Observes StartupEvent event) {
        roles.enabled().forEach(role -> health.setStatus(role.grpcService, ServingStatus.SERVING));
    }
}
