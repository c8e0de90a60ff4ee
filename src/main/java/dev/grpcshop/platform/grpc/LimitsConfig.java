package dev.grpcshop.platform.grpc;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** Limits against greedy or hostile clients ({@code app.limits.*}); defaults in application.properties. */
@ConfigMapping(prefix = "app.limits")
public interface LimitsConfig {

    /** Concurrent calls one connection may hold open (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS). */
    int maxConcurrentStreams();

    /** Messages one client stream may send; more is RESOURCE_EXHAUSTED. */
    int maxStreamMessages();

    /** Longest deadline a unary call may ask for; longer is INVALID_ARGUMENT. */
    Duration maxDeadline();
}
