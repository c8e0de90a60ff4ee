package dev.grpcshop.platform.runtime;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Reports on grpc.health.v1 each service this instance runs as SERVING once the app has started; a
 * service it does not run stays UNKNOWN. From SIGTERM on, every service (and the server, "") is NOT_SERVING,
 * while calls are still served: during {@code quarkus.shutdown.delay} load balancers and health-checking
 * clients see the status change and stop sending calls before the server closes.
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

    /** The start of Quarkus's pre-shutdown delay (fired at SIGTERM, before the delay's wait). */
    void onShutdownRequested(@Observes ShutdownDelayInitiatedEvent event) {
        markNotServing();
    }

    /**
     * Before the calls under way are drained ({@link ShutdownDrainInterceptor}). The event above is fired only in a build
     * with {@code quarkus.shutdown.delay-enabled=true} (ours); this keeps the NOT_SERVING step in one without.
     */
    void onShutdown(@Observes @Priority(50) ShutdownEvent event) {
        markNotServing();
    }

    private void markNotServing() {
        health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, ServingStatus.NOT_SERVING);
        for (ServiceRole role : ServiceRole.values()) {
            if (roles.runs(role)) {
                health.setStatus(role.grpcService, ServingStatus.NOT_SERVING);
            }
        }
    }
}
