package dev.grpcshop.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Per-call deadlines of the outbound gRPC calls, by the service called. */
@ConfigMapping(prefix = "app.clients")
public interface ClientsConfig {

    /** Deadline of each call to UserService. */
    @WithDefault("2s")
    Duration userDeadline();

    /** Deadline of each call to PaymentService (covers the processor's latency). */
    @WithDefault("5s")
    Duration paymentDeadline();

    /** Deadline of each call to NotificationService. */
    @WithDefault("2s")
    Duration notificationDeadline();

    /** Deadline of calls to any other service. */
    @WithDefault("5s")
    Duration defaultDeadline();
}
