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
        // Quarkus marks every bound service SERVING; the ones this instance does not run are UNKNOWN.
        for (ServiceRole role : ServiceRole.values()) {
            health.setStatus(role.grpcService, roles.runs(role) ? ServingStatus.SERVING : ServingStatus.UNKNOWN);
        }
    }
}
