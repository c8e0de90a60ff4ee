package dev.grpcshop.platform.grpc;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** Per-call deadlines of the outbound gRPC calls, by the service called. */
@ConfigMapping(prefix = "app.clients")
public interface ClientsConfig {

    /** Deadline of each call to UserService. */
    Duration userDeadline();

    /** Deadline of each call to PaymentService (covers the processor's latency). */
    Duration paymentDeadline();

    /** Deadline of each call to NotificationService. */
    Duration notificationDeadline();

    /** Deadline of calls to any other service. */
    Duration defaultDeadline();
}
