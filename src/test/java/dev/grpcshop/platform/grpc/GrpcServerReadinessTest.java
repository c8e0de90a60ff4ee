package dev.grpcshop.platform.grpc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * A gRPC server that cannot start (here: TLS files that do not exist) leaves the app serving HTTP only:
 * readiness must say DOWN, so no traffic is routed to it.
 */
@QuarkusTest
@TestProfile(GrpcServerReadinessTest.UnreadableTlsFiles.class)
class GrpcServerReadinessTest {

    public static class UnreadableTlsFiles implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "test,tls";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            String missing = "target/no-such-dir/";
            return Map.of("GRPC_TLS_CERT", missing + "tls.crt", "GRPC_TLS_KEY", missing + "tls.key",
                    "GRPC_TLS_TRUST_STORE", missing + "ca.p12", "GRPC_TLS_TRUST_STORE_PASSWORD", "changeit",
                    "GRPC_TLS_CA", missing + "ca.crt", "GRPC_TLS_CLIENT_CERT", missing + "tls.crt",
                    "GRPC_TLS_CLIENT_KEY", missing + "tls.key");
        }
    }

    @Test
    void anInstanceWhoseGrpcServerDidNotStartIsNotReady() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'grpc-server-listening' }.status", equalTo("DOWN"));
        given().get("/q/health/live").then().statusCode(200);
    }
}
