package dev.grpcshop.it;

import dev.grpcshop.support.Tokens;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application run as its own process, as a user runs it: the artifact the build produced
 * (target/quarkus-artifact.properties), the JVM jar or, after {@code ./mvnw verify -Dnative}, the native executable.
 */
final class PackagedApp implements AutoCloseable {

    final int grpcPort;
    final int httpPort;
    private final Process process;
    private final Path log;

    /** {@code java}: the JVM for the jar (ignored for a native executable). */
    private PackagedApp(Path java, Path workDir, int grpcPort, int httpPort, List<String> systemProperties)
            throws IOException {
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        log = Files.createTempFile("packaged-app", ".log");
        List<String> command = new ArrayList<>();
        Path artifact = artifact().toAbsolutePath();
        boolean nativeExecutable = isNative();
        if (nativeExecutable) {
            command.add(artifact.toAbsolutePath().toString());
        } else {
            command.add(java.toString());
        }
        command.add("-Dquarkus.grpc.server.port=" + grpcPort);
        command.add("-Dquarkus.http.port=" + httpPort);
        command.add("-Dmp.jwt.verify.publickey.location=" + Tokens.DEV_PUBLIC_KEY.toAbsolutePath());
        command.add("-Dsmallrye.jwt.sign.key.location=" + Tokens.DEV_PRIVATE_KEY.toAbsolutePath());
        command.addAll(systemProperties);
        if (!nativeExecutable) {
            command.add("-jar");
            command.add(artifact.toString());
        }
        process = new ProcessBuilder(command).directory(workDir == null ? null : workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Whether the build packaged a native executable rather than the JVM jar. */
    static boolean isNative() throws IOException {
        return "native".equals(artifactProperties().getProperty("type"));
    }

    private static Path artifact() throws IOException {
        Path artifact = Path.of("target").resolve(artifactProperties().getProperty("path", "quarkus-app/quarkus-run.jar"));
        if (!Files.exists(artifact)) {
            throw new IllegalStateException(artifact + " is missing: run through `./mvnw verify`, which packages first");
        }
        return artifact;
    }

    private static java.util.Properties artifactProperties() throws IOException {
        java.util.Properties properties = new java.util.Properties();
        Path file = Path.of("target", "quarkus-artifact.properties");
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file)) {
                properties.load(in);
            }
        }
        return properties;
    }

    static PackagedApp start(List<String> systemProperties) throws IOException, InterruptedException {
        return start(null, freePort(), freePort(), systemProperties);
    }

    /**
     * The app run in {@code workDir} (its default database is then {@code workDir/data}) on the given ports: a restart
     * finds the same data and the same ports its clients know.
     */
    static PackagedApp start(Path workDir, int grpcPort, int httpPort, List<String> systemProperties)
            throws IOException, InterruptedException {
        return start(Path.of(System.getProperty("java.home"), "bin", "java"), workDir, grpcPort, httpPort,
                systemProperties);
    }

    /** The jar started by another JVM; {@code options}: JVM options and system properties, before {@code -jar}. */
    static PackagedApp start(Path java, List<String> options) throws IOException, InterruptedException {
        return start(java, null, freePort(), freePort(), options);
    }

    private static PackagedApp start(Path java, Path workDir, int grpcPort, int httpPort, List<String> options)
            throws IOException, InterruptedException {
        PackagedApp app = new PackagedApp(java, workDir, grpcPort, httpPort, options);
        app.awaitReady();
        return app;
    }

    private void awaitReady() throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited:\n" + Files.readString(log));
            }
            try {
                if (httpStatus("/q/health/ready", null) == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("not ready within 60 s:\n" + Files.readString(log));
    }

    /** Kills the process with SIGKILL, as a crash or the OOM killer does: no shutdown code runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Sends SIGTERM, as an orchestrator does, without waiting for the process to exit. */
    void signalStop() {
        process.destroy();
    }

    /** Stops the process the way an orchestrator does (SIGTERM) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        signalStop();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** The HTTP status of a GET on the app's HTTP port, with a bearer token unless {@code token} is null. */
    int httpStatus(String path, String token) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://localhost:" + httpPort + path).toURL()
                .openConnection();
        if (token != null) {
            c.setRequestProperty("Authorization", "Bearer " + token);
        }
        c.setConnectTimeout(1000);
        c.setReadTimeout(10_000);
        return c.getResponseCode();
    }

    /** What the process has written to stdout and stderr so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
