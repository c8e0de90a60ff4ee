package dev.grpcshop.platform.grpc;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Not ready while nothing accepts connections on the gRPC port. When the gRPC server cannot start (an unreadable
 * TLS file, a port in use) Quarkus only logs an error and keeps serving HTTP, so without this check such an
 * instance would report ready and take traffic it cannot answer.
 */
@Readiness
@ApplicationScoped
public class GrpcServerReadiness implements HealthCheck {

    static final String NAME = "grpc-server-listening";

    @Inject
    GrpcServerAddress server;

    @Override
    public HealthCheckResponse call() {
        int listening = server.port();
        String host = server.host();
        String address = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, listening), 500);
            return HealthCheckResponse.named(NAME).up().withData("port", listening).build();
        } catch (IOException e) {
            return HealthCheckResponse.named(NAME).down().withData("port", listening)
                    .withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
