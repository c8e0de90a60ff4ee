package dev.grpcshop.platform.grpc;

import jakarta.inject.Inject;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Caps the concurrent calls (HTTP/2 streams) one client connection may hold open, advertised to the
 * client as SETTINGS_MAX_CONCURRENT_STREAMS: a single connection cannot tie up the server with streams.
 * Quarkus has no property for it, so it is set on the Netty server builder.
 */
@ApplicationScoped
public class ConnectionLimits implements ServerBuilderCustomizer<VertxServerBuilder> {

    @Inject
    LimitsConfig limits;

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.nettyBuilder().maxConcurrentCallsPerConnection(limits.maxConcurrentStreams());
    }
}
