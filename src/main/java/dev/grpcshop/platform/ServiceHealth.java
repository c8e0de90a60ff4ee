package dev.grpcshop.platform;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Reports each gRPC service this instance serves as SERVING on grpc.health.v1 once the app has started. */
@ApplicationScoped
public class ServiceHealth {

    static final String USER_SERVICE = "user.v1.UserService";

    @Inject
    GrpcHealthStorage health;

    void onStart(@Observes StartupEvent event) {
        health.setStatus(USER_SERVICE, ServingStatus.SERVING);
    }
}
