package dev.grpcshop.it;

import dev.grpcshop.api.user.v1.CreateUserRequest;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.support.GrpcTestSupport;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JVM image's AOT training (src/main/docker/aot-training.sh, run by Dockerfile.jvm: a start and a few
 * seconds of calls) writes a cache that the same JDK then starts the app with. Needs a JDK 25+ beside the build's (AOT_JAVA, or one under
 * /usr/lib/jvm); skipped where there is none.
 */
class AotCacheTrainingIT {

    @TempDir
    Path dir;

    @Test
    void trainingWithCallsWritesACacheTheAppThenStartsAndServesWith() throws Exception {
        assumeTrue(!PackagedApp.isNative(), "the AOT cache is for the JVM jar");
        Optional<Path> java = jdk25OrNewer();
        assumeTrue(java.isPresent(), "no JDK 25+ here (set AOT_JAVA)");
        Path cache = dir.resolve("app.aot");
        ProcessBuilder training = new ProcessBuilder("sh", "src/main/docker/aot-training.sh", "target/quarkus-app",
                cache.toString(), "-Xmx128m", "-XX:+UseSerialGC").redirectErrorStream(true);
        training.environment().put("JAVA", java.get().toString());
        training.environment().put("AOT_TRAINING_CLIENT", "target/aot-training-client");
        training.environment().put("AOT_TRAINING_GRPC_PORT", String.valueOf(PackagedApp.freePort()));
        training.environment().put("AOT_TRAINING_DATABASE", "embedded"); // this build's H2
        Process run = training.start();
        String output = new String(run.getInputStream().readAllBytes());
        assertEquals(0, run.waitFor(), output);
        // the training served calls (on this embedded-H2 build they succeed), not just a start
        assertTrue(Pattern.compile("calls by outcome \\{.*OK=[1-9]").matcher(output).find(), output);

        // AOTMode=on: the JVM refuses to start if it cannot use the cache (the default just warns)
        List<String> options = List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on", "-Xmx128m", "-XX:+UseSerialGC",
                "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + dir.resolve("grpcshop"));
        try (PackagedApp app = PackagedApp.start(java.get(), options)) {
            ManagedChannel channel = GrpcTestSupport.channel(app.grpcPort);
            try {
                var users = UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
                User created = users.createUser(
                        CreateUserRequest.newBuilder().setName("Cached Cat").setEmail("cat@aot.example.com").build());
                assertEquals(created, users.getUser(GetUserRequest.newBuilder().setId(created.getId()).build()));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static Optional<Path> jdk25OrNewer() throws IOException {
        String configured = System.getenv("AOT_JAVA");
        if (configured != null) {
            return Optional.of(Path.of(configured));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> featureVersion(home) >= 25).map(home -> home.resolve("bin/java"))
                    .filter(Files::isExecutable).findFirst();
        }
    }

    /** JAVA_VERSION from the JDK's `release` file, 0 if unreadable. */
    private static int featureVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return Integer.parseInt(line.replaceAll("^JAVA_VERSION=\"?(\\d+).*", "$1"));
                }
            }
        } catch (IOException | NumberFormatException unreadable) {
            // not a JDK we can use
        }
        return 0;
    }
}
