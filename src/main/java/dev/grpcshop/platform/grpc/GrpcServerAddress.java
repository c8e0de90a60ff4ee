package dev.grpcshop.platform.grpc;

import io.quarkus.runtime.LaunchMode;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Where Quarkus's gRPC server listens: its host, and the test port in tests (as Quarkus picks it). */
@Singleton
public class GrpcServerAddress {

    @ConfigProperty(name = "quarkus.grpc.server.host")
    String host;

    @ConfigProperty(name = "quarkus.grpc.server.port")
    int port;

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int testPort;

    public String host() {
        return host;
    }

    public int port() {
        return LaunchMode.current() == LaunchMode.TEST ? testPort : port;
    }
}
