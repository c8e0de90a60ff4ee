package dev.grpcshop.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.grpcshop.support.Tokens;

import java.util.Map;
import java.util.UUID;

/**
 * Gives the packaged application under a {@code @QuarkusIntegrationTest} its own gRPC port and a fresh
 * H2 file under target/. Its clients find it without being told: the default Stork lists name the server's own port.
 */
public class IsolatedInstance implements QuarkusTestResourceLifecycleManager {

    static int grpcPort;

    @Override
    public Map<String, String> start() {
        grpcPort = PackagedApp.freePort();
        return Map.of(
                "quarkus.grpc.server.port", String.valueOf(grpcPort),
                "quarkus.datasource.jdbc.url", "jdbc:h2:file:./target/it-data/" + UUID.randomUUID(),
                // the packaged app runs the prod profile: keys come from outside, here the dev pair
                "mp.jwt.verify.publickey.location", Tokens.DEV_PUBLIC_KEY.toAbsolutePath().toString(),
                "smallrye.jwt.sign.key.location", Tokens.DEV_PRIVATE_KEY.toAbsolutePath().toString());
    }

    @Override
    public void stop() {
    }
}
