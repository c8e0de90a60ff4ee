package dev.grpcshop.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcshop.support.GrpcTestSupport;
import dev.grpcshop.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract is enough for a client in another language: a Node client (src/test/node/user-client.mjs, loading
 * proto/ with @grpc/proto-loader as a NestJS service does) creates and reads a user and gets the standard statuses.
 * Needs Node and {@code npm ci --prefix src/test/node}; skipped without them, except in CI, which installs them.
 */
@QuarkusTest
class NodeClientTest {

    private static final Path CLIENT_DIR = Path.of("src/test/node");

    @Test
    void aNodeClientBuiltFromTheProtoFolderAloneCreatesAndReadsAUser() throws Exception {
        boolean ready = Files.isDirectory(CLIENT_DIR.resolve("node_modules/@grpc/proto-loader")) && nodeRuns();
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(ready, "skipped: needs node on the PATH and `npm ci --prefix src/test/node`");
        }
        assertTrue(ready, "CI must install Node and run `npm ci --prefix src/test/node` before the tests");

        Process node = new ProcessBuilder("node", "user-client.mjs", "localhost:" + GrpcTestSupport.grpcPort(),
                Tokens.admin()).directory(CLIENT_DIR.toFile()).redirectErrorStream(true).start();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the Node client finished");
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, node.exitValue(), output);
        JsonNode answers = new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElseThrow());

        JsonNode created = answers.path("created").path("ok");
        assertEquals(answers.path("email").asText(), created.path("email").asText(), output);
        assertEquals("USER_STATUS_ACTIVE", created.path("status").asText(), output);
        assertEquals(created, answers.path("read").path("ok"), "GetUser answers what CreateUser stored");
        assertEquals("NOT_FOUND", answers.path("missing").path("code").asText(), output);
        assertEquals("INVALID_ARGUMENT", answers.path("invalid").path("code").asText(), output);
        assertEquals("UNAUTHENTICATED", answers.path("anonymous").path("code").asText(), output);
    }

    private static boolean nodeRuns() {
        try {
            Process version = new ProcessBuilder("node", "--version").start();
            return version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }
}
