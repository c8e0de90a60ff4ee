package dev.grpcshop.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.api.user.v1.UserStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpClient;
import java.net.URI;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs every benchmark in one go, ours and the plain grpc-java baseline side by side in the same run, and
 * writes docs/benchmarks.md and docs/benchmarks.json. Started by src/bench/run-benchmarks.sh.
 * Argument: a scale factor for the durations (default 1.0).
 */
public final class BenchmarkSuite {

    /**
     * Resident memory in KB, and the private part of it: anonymous and dirty pages, which the kernel cannot drop.
     * The rest is clean pages of files (the native executable's code and image heap), shared and reclaimable.
     */
    record Memory(long rssKb, long privateKb) {
        String cell() {
            return rssKb / 1024 + " MB (" + privateKb / 1024 + ")";
        }
    }

    record Process(java.lang.Process process, int grpcPort, double startupMs) {
        Memory memory() throws IOException {
            long rss = 0;
            long dirty = 0;
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "smaps_rollup"))) {
                long kb = line.endsWith(" kB") ? Long.parseLong(line.replaceAll("[^0-9]", "")) : 0;
                if (line.startsWith("Rss:")) {
                    rss = kb;
                } else if (line.startsWith("Private_Dirty:") || line.startsWith("Shared_Dirty:")) {
                    dirty += kb;
                }
            }
            return new Memory(rss, dirty);
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        PlainLogging.install();
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        String classpath = System.getProperty("java.class.path");
        Path data = Files.createDirectories(Path.of("target", "bench-data"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        List<String> rows = new ArrayList<>();
        List<String> json = new ArrayList<>();
        Map<String, LoadGenerator.Result> results = new LinkedHashMap<>();

        // Start-up first, each variant started STARTS times on a fresh database and stopped again
        Map<String, double[]> startups = new LinkedHashMap<>();
        startups.put("grpcshop, JVM " + Runtime.version().feature() + ", fast-jar + AppCDS archive",
                measureStarts(port -> h2App(java, port, freePort(), data), APP_DIR, "target/bench-app-start.log"));
        String aotJava = System.getenv("BENCH_AOT_JAVA");
        if (aotJava != null) {
            startups.put("grpcshop, JVM " + javaFeature(aotJava) + ", aot-jar + AOT cache (`aot-training.sh`)",
                    measureStarts(port -> {
                        List<String> command = h2App(aotJava, port, freePort(), data);
                        command.set(1, "-XX:AOTCache=app.aot");
                        return command;
                    }, AOT_APP_DIR, "target/bench-app-aot-start.log"));
        }
        Path nativeApp = System.getenv("BENCH_NATIVE_APP") != null ? Path.of(System.getenv("BENCH_NATIVE_APP")).toAbsolutePath() : null;
        if (nativeApp != null) {
            startups.put("grpcshop, native executable (`" + String.join(" ", NATIVE_OPTIONS) + "`)",
                    measureStarts(port -> nativeAppCommand(nativeApp, port, freePort(), data), Path.of("."),
                            "target/bench-native-start.log"));
        }
        startups.put("baseline, JVM " + Runtime.version().feature() + " (plain grpc-java)",
                measureStarts(port -> baseline(java, classpath, port), Path.of("."), "target/bench-baseline-start.log"));

        int appPort = freePort();
        int appHttpPort = freePort();
        Process app = start(h2App(java, appPort, appHttpPort, data), APP_DIR, appPort, "target/bench-app.log");
        int basePort = freePort();
        Process base = start(baseline(java, classpath, basePort), basePort, "target/bench-baseline.log");
        try {
            String appTarget = "127.0.0.1:" + appPort;
            String baseTarget = "127.0.0.1:" + basePort;
            Duration warmup = scaled(WARMUP, scale);
            Duration duration = scaled(DURATION, scale);
            List<Long> appUsers = LoadGenerator.seedUsers(appTarget, 1000);
            List<Long> baseUsers = LoadGenerator.seedUsers(baseTarget, 1000);
            Memory appWarm = app.memory();

            for (String target : List.of(baseTarget, appTarget)) {
                List<Long> users = target.equals(appTarget) ? appUsers : baseUsers;
                String who = target.equals(appTarget) ? "grpcshop" : "baseline";
                results.put("getUser/" + who, run(new LoadGenerator.Options(target, "getUser", 4, 16, warmup, duration, 0, 0), users));
                results.put("createUser/" + who, run(new LoadGenerator.Options(target, "createUser", 4, 8, warmup, duration, 0, 0), users));
            }
            // 100,000 users to stream: seed the rest with concurrent CreateUser calls
            for (String target : List.of(baseTarget, appTarget)) {
                run(new LoadGenerator.Options(target, "createUser", 4, 16, Duration.ZERO, Duration.ofMinutes(5), 100_000, 0), List.of());
            }
            for (String target : List.of(baseTarget, appTarget)) {
                String who = target.equals(appTarget) ? "grpcshop" : "baseline";
                // warmed up like the other scenarios: three cold calls measured the JIT compiling the stream path
                // (the first call alone took ~0.9 s), not streaming
                results.put("listUsers/" + who, run(new LoadGenerator.Options(target, "listUsers", 1, 1,
                        warmup, duration, 0, 100_000), List.of()));
            }
            results.put("syncUsers/grpcshop", run(new LoadGenerator.Options(appTarget, "syncUsers", 2, 8, warmup, duration, 0, 0), appUsers));
            results.put("createOrder/grpcshop-first", run(new LoadGenerator.Options(appTarget, "createOrder", 4, 8, warmup, duration, 0, 0), appUsers));
            results.put("createOrder/grpcshop", afterOrderWarmup(appTarget, appUsers, scale, duration));
            // the latency side of the goal: the same warm app with a quarter of the calls in flight
            results.put("createOrder/grpcshop-2x4", run(new LoadGenerator.Options(appTarget, "createOrder", 2, 4, warmup, duration, 0, 0), appUsers));
            results.put("paymentFanout/grpcshop", run(new LoadGenerator.Options(appTarget, "paymentFanout", 4, 4, warmup,
                    duration, 0, 0, FANOUT_SUBSCRIBERS), appUsers));
            String wire = wireBytes(appPort, appHttpPort, appUsers.get(0));
            Memory appLoaded = app.memory();
            Memory baseLoaded = base.memory();
            app.stop();
            Memory[] nativeMemory = nativeApp != null ? onNative(nativeApp, data, warmup, duration, scale, results) : null;
            if (System.getenv("BENCH_POSTGRES_URL") != null) {
                onPostgres(java, warmup, duration, scale, results);
            }

            results.forEach((k, r) -> {
                rows.add(row(k, r));
                json.add(r.json().replaceFirst("\\{", "{\"name\":\"" + k + "\","));
            });
            String payload = payloadSizes();
            writeReport(rows, json, results, payload, wire, startups, appWarm, appLoaded, baseLoaded, nativeMemory, scale);
            Charts.write(results, Path.of("docs"));
        } finally {
            app.stop();
            base.stop();
        }
    }

    /** Bytes on the wire per GetUser, gRPC vs REST, through a counting TCP hop: 1,000 calls on one warm connection. */
    private static String wireBytes(int grpcPort, int httpPort, long userId) throws Exception {
        int calls = 1000;
        long grpcUp;
        long grpcDown;
        try (CountingProxy proxy = new CountingProxy(grpcPort)) {
            ManagedChannel channel = LoadGenerator.channel("127.0.0.1:" + proxy.port(), 1024 * 1024);
            var stub = UserServiceGrpc.newBlockingStub(channel);
            GetUserRequest request = GetUserRequest.newBuilder().setId(userId).build();
            stub.getUser(request); // connection set up, header tables warm
            proxy.reset();
            for (int i = 0; i < calls; i++) {
                stub.getUser(request);
            }
            grpcUp = proxy.upstream.get();
            grpcDown = proxy.downstream.get();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        long restUp;
        long restDown;
        try (CountingProxy proxy = new CountingProxy(httpPort)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/api/v1/users/"
                    + userId)).header("authorization", LoadGenerator.BEARER).header("accept", "application/json").GET().build();
            http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            proxy.reset();
            for (int i = 0; i < calls; i++) {
                if (http.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200) {
                    throw new IllegalStateException("REST GetUser failed");
                }
            }
            restUp = proxy.upstream.get();
            restDown = proxy.downstream.get();
        }
        return String.format(Locale.ROOT, "| gRPC (HTTP/2, protobuf) | %d | %d | %d |%n| REST (HTTP/1.1, JSON) | %d | %d | %d |",
                grpcUp / calls, grpcDown / calls, (grpcUp + grpcDown) / calls,
                restUp / calls, restDown / calls, (restUp + restDown) / calls);
    }

    /**
     * CreateOrder after {@link #ORDER_WARMUP} (times the scale) of orders: its path (three services, Hibernate,
     * H2, Narayana) is large and each method runs once or a few times per order, so at a few hundred orders/s the
     * JIT takes minutes to compile it (C2 still used ~15% of the CPU 40-55 s into the load, and throughput rose
     * until ~2 minutes). The `-first` row is the same load right after the standard warm-up.
     */
    private static LoadGenerator.Result afterOrderWarmup(String target, List<Long> users, double scale, Duration duration)
            throws InterruptedException {
        return run(new LoadGenerator.Options(target, "createOrder", 4, 8, scaled(ORDER_WARMUP, scale), duration, 0, 0), users);
    }

    /** A warm-up or measurement duration at this run's scale. */
    private static Duration scaled(Duration atScaleOne, double scale) {
        return Duration.ofMillis((long) (atScaleOne.toMillis() * scale));
    }

    private static LoadGenerator.Result run(LoadGenerator.Options options, List<Long> users) throws InterruptedException {
        LoadGenerator generator = new LoadGenerator(options, users);
        try {
            LoadGenerator.Result result = generator.run();
            System.out.println(result.line());
            return result;
        } finally {
            generator.close();
        }
    }

    private static String row(String name, LoadGenerator.Result r) {
        return String.format(Locale.ROOT, "| %s | %d×%d | %.0f | %s | %.2f | %.2f | %.2f | %s |", name, r.connections(),
                r.inflight(), r.callsPerSecond(), r.messagesPerSecond() > r.callsPerSecond() * 1.5
                        ? String.format(Locale.ROOT, "%.0f msg/s, %.1f MB/s", r.messagesPerSecond(), r.megabytesPerSecond()) : "",
                r.p50Ms(), r.p99Ms(), r.p999Ms(), r.statusCounts());
    }

    /** The seed's example user as protobuf and as the JSON a REST API would send. */
    private static String payloadSizes() throws IOException {
        long now = 1_764_000_000L;
        User user = User.newBuilder().setId(1).setName("Alice").setEmail("alice@example.com")
                .setCreatedAt(Timestamp.newBuilder().setSeconds(now)).setStatus(UserStatus.USER_STATUS_ACTIVE).build();
        Map<String, Object> rest = new LinkedHashMap<>();
        rest.put("id", 1);
        rest.put("name", "Alice");
        rest.put("email", "alice@example.com");
        rest.put("createdAt", Instant.ofEpochSecond(now).toString());
        rest.put("status", "ACTIVE");
        byte[] jsonBytes = new ObjectMapper().writeValueAsBytes(rest);
        return String.format(Locale.ROOT, "| protobuf (`user.v1.User`) | %d bytes |%n| JSON (`%s`) | %d bytes |",
                user.getSerializedSize(), new String(jsonBytes, StandardCharsets.UTF_8), jsonBytes.length);
    }

    private static void writeReport(List<String> rows, List<String> json, Map<String, LoadGenerator.Result> results,
            String payload, String wire, Map<String, double[]> startups, Memory appWarm, Memory appLoaded, Memory baseLoaded,
            Memory[] nativeMemory, double scale) throws IOException {
        Files.createDirectories(Path.of("docs"));
        double getRatio = callsRatio(results, "getUser/grpcshop", "getUser/baseline");
        double listRatio = results.get("listUsers/grpcshop").messagesPerSecond() / results.get("listUsers/baseline").messagesPerSecond();
        String report = String.join("\n",
                "# Benchmarks",
                "",
                "Produced by `src/bench/run-benchmarks.sh` (scale " + scale + ") on " + Instant.now() + ", "
                        + Runtime.getRuntime().availableProcessors() + " cores; load generator, grpcshop and the plain grpc-java baseline"
                        + " share the machine. Closed loop, loopback, warm-up excluded. grpcshop: packaged JVM jar with the JVM"
                        + " options of the JVM image (`" + String.join(" ", APP_JVM_OPTIONS) + "`, plus the AppCDS archive when"
                        + " built), embedded H2 file database, call log off, every call with a bearer token."
                        + " Baseline: grpc-java Netty, direct executor, in-memory map. The load generator's channels use a"
                        + " direct executor. `paymentFanout`: " + FANOUT_SUBSCRIBERS + " StreamPaymentUpdates subscribers on one"
                        + " user while orders for that user are placed; its calls/s are orders, its messages the updates"
                        + " delivered, its latency from the update's time to its arrival. `createOrder/grpcshop` and"
                        + " `createOrder/grpcshop-postgres` run after " + scaled(ORDER_WARMUP, scale).toSeconds() + " s of"
                        + " orders (the JIT needs minutes on the order path); `createOrder/grpcshop-first` is the same load"
                        + " right after the " + scaled(WARMUP, scale).toSeconds() + " s warm-up every scenario gets;"
                        + " `createOrder/grpcshop-2x4` the warm app with 8 orders in flight instead of 32.",
                "",
                "| scenario / target | connections×in-flight | calls/s | streamed | p50 ms | p99 ms | p99.9 ms | status |",
                "|---|---|---|---|---|---|---|---|",
                String.join("\n", rows),
                "",
                String.format(Locale.ROOT, "Ratios in this run: GetUser throughput grpcshop/baseline = **%.2fx**; ListUsers messages/s"
                        + " grpcshop/baseline = **%.2fx**.", getRatio, listRatio) + postgresRatios(results)
                        + nativeRatios(results),
                "",
                "![throughput](benchmarks-throughput.png)",
                "![p99 latency](benchmarks-p99.png)",
                "",
                "Start-up: process start to its first successful gRPC call, median of " + STARTS + " starts each on a"
                        + " fresh embedded database (Flyway migrates it), with the JVM options above; RSS once that call returned.",
                "",
                "| start-up | start to first call (median) | all starts | RSS after first call (median) |",
                "|---|---|---|---|",
                startupRows(startups),
                "",
                "| RSS (private: anonymous and dirty pages) | grpcshop (JVM) |" + (nativeMemory == null ? "" : " grpcshop (native) |")
                        + " baseline |",
                "|---|---|" + (nativeMemory == null ? "" : "---|") + "---|",
                "| after warm-up (1,000 users) | " + appWarm.cell() + " |" + nativeCell(nativeMemory, 0) + " |",
                "| after all load | " + appLoaded.cell() + " |" + nativeCell(nativeMemory, 1) + " " + baseLoaded.cell() + " |",
                nativeMemory == null ? "" : "\nThe native executable's load: GetUser and the three CreateOrder rows (`-native`)"
                        + " on a database of its own, after the JVM app has stopped.",
                "",
                "Payload of the seed's example user (id, name, email, createdAt, status):",
                "",
                "| encoding | size |",
                "|---|---|",
                payload,
                "",
                "Bytes on the wire per GetUser call, measured by a counting TCP hop (1,000 calls on one warm connection,"
                        + " the same ~600-byte bearer token on both; HTTP/2 compresses repeated headers, HTTP/1.1 does not):",
                "",
                "| protocol | request bytes/call | response bytes/call | total |",
                "|---|---|---|---|",
                wire,
                "");
        Files.writeString(Path.of("docs", "benchmarks.md"), report);
        Files.writeString(Path.of("docs", "benchmarks.json"), "[\n" + String.join(",\n", json) + "\n]\n");
        System.out.println(report);
    }

    private static String postgresRatios(Map<String, LoadGenerator.Result> results) {
        if (!results.containsKey("createOrder/grpcshop-postgres")) {
            return "";
        }
        return String.format(Locale.ROOT, " On PostgreSQL: GetUser grpcshop-postgres/baseline = **%.2fx** (no user cache);"
                        + " CreateOrder PostgreSQL/H2 = **%.2fx**.",
                callsRatio(results, "getUser/grpcshop-postgres", "getUser/baseline"),
                callsRatio(results, "createOrder/grpcshop-postgres", "createOrder/grpcshop"));
    }

    /** The native column's cell of a memory row, or nothing without a native run. */
    private static String nativeCell(Memory[] nativeMemory, int index) {
        return nativeMemory == null ? "" : " " + nativeMemory[index].cell() + " |";
    }

    private static String nativeRatios(Map<String, LoadGenerator.Result> results) {
        if (!results.containsKey("createOrder/grpcshop-native")) {
            return "";
        }
        return String.format(Locale.ROOT, " Native/JVM: GetUser **%.2fx**, CreateOrder `-first` **%.2fx**,"
                        + " CreateOrder warm **%.2fx**.",
                callsRatio(results, "getUser/grpcshop-native", "getUser/grpcshop"),
                callsRatio(results, "createOrder/grpcshop-native-first", "createOrder/grpcshop-first"),
                callsRatio(results, "createOrder/grpcshop-native", "createOrder/grpcshop"));
    }

    /** Calls/s of one row over another's, both from this run. */
    private static double callsRatio(Map<String, LoadGenerator.Result> results, String row, String over) {
        return results.get(row).callsPerSecond() / results.get(over).callsPerSecond();
    }

    /** The packaged app with the JVM image's options, calling its own gRPC port; {@code dataSource}: -D options. */
    private static List<String> appCommand(String java, int grpcPort, int httpPort, List<String> dataSource) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(APP_JVM_OPTIONS);
        command.addAll(dataSource);
        command.addAll(appProperties(grpcPort, httpPort));
        command.addAll(List.of("-jar", "quarkus-run.jar"));
        return command;
    }

    /** The native executable as Dockerfile.native runs it (its heap cap), on a new embedded H2 file. */
    private static List<String> nativeAppCommand(Path executable, int grpcPort, int httpPort, Path data) {
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        command.addAll(NATIVE_OPTIONS);
        command.add(h2Url(data));
        command.addAll(appProperties(grpcPort, httpPort));
        return command;
    }

    /**
     * GetUser and CreateOrder on the native executable, alone on the machine (the JVM app has stopped), on a
     * database of its own; returns its memory after the warm-up and after the load.
     */
    private static Memory[] onNative(Path executable, Path data, Duration warmup, Duration duration, double scale,
            Map<String, LoadGenerator.Result> results) throws Exception {
        int port = freePort();
        Process app = start(nativeAppCommand(executable, port, freePort(), data), port, "target/bench-native.log");
        try {
            String target = "127.0.0.1:" + port;
            List<Long> users = LoadGenerator.seedUsers(target, 1000);
            Memory warm = app.memory();
            results.put("getUser/grpcshop-native", run(new LoadGenerator.Options(target, "getUser", 4, 16, warmup, duration, 0, 0), users));
            results.put("createOrder/grpcshop-native-first", run(new LoadGenerator.Options(target, "createOrder", 4, 8, warmup, duration, 0, 0), users));
            results.put("createOrder/grpcshop-native", afterOrderWarmup(target, users, scale, duration));
            results.put("createOrder/grpcshop-native-2x4", run(new LoadGenerator.Options(target, "createOrder", 2, 4, warmup, duration, 0, 0), users));
            return new Memory[] {warm, app.memory()};
        } finally {
            app.stop();
        }
    }

    /** Ports, keys, the call log off, and the three clients pointed at the app's own gRPC port. */
    private static List<String> appProperties(int grpcPort, int httpPort) {
        return List.of(
                "-Dquarkus.grpc.server.port=" + grpcPort, "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.log.category.\"grpcshop.calls\".level=WARN",
                "-Dmp.jwt.verify.publickey.location=" + Path.of("src/dev/keys/dev-public.pem").toAbsolutePath(),
                "-Dsmallrye.jwt.sign.key.location=" + Path.of("src/dev/keys/dev-private.pem").toAbsolutePath(),
                "-Dquarkus.stork.user-service.service-discovery.address-list=localhost:" + grpcPort,
                "-Dquarkus.stork.payment-service.service-discovery.address-list=localhost:" + grpcPort,
                "-Dquarkus.stork.notification-service.service-discovery.address-list=localhost:" + grpcPort);
    }

    /**
     * GetUser and CreateOrder again on PostgreSQL (the production database; the user cache is off there),
     * with the app built for profile `postgres` into target/quarkus-app-postgres by run-benchmarks.sh.
     */
    private static void onPostgres(String java, Duration warmup, Duration duration, double scale,
            Map<String, LoadGenerator.Result> results) throws Exception {
        int port = freePort();
        List<String> command = appCommand(java, port, freePort(), List.of("-Dquarkus.profile=postgres",
                "-Dquarkus.datasource.jdbc.url=" + System.getenv("BENCH_POSTGRES_URL"),
                "-Dquarkus.datasource.username=" + System.getenv().getOrDefault("BENCH_POSTGRES_USER", "postgres"),
                "-Dquarkus.datasource.password=" + System.getenv().getOrDefault("BENCH_POSTGRES_PASSWORD", "")));
        Process app = start(command, Path.of("target", "quarkus-app-postgres"), port, "target/bench-app-postgres.log");
        try {
            String target = "127.0.0.1:" + port;
            List<Long> users = LoadGenerator.seedUsers(target, 1000);
            results.put("getUser/grpcshop-postgres", run(new LoadGenerator.Options(target, "getUser", 4, 16, warmup, duration, 0, 0), users));
            results.put("createOrder/grpcshop-postgres", afterOrderWarmup(target, users, scale, duration));
        } finally {
            app.stop();
        }
    }

    /** Starts a server process and measures the time until its first successful gRPC call. */
    private static Process start(List<String> command, int grpcPort, String log) throws Exception {
        return start(command, Path.of("."), grpcPort, log);
    }

    private static Process start(List<String> command, Path dir, int grpcPort, String log) throws Exception {
        long t0 = System.nanoTime();
        java.lang.Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(Path.of(log).toFile()).start();
        ManagedChannel channel = LoadGenerator.channel("127.0.0.1:" + grpcPort, 1024 * 1024);
        try {
            while (true) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("process exited, see " + log);
                }
                try {
                    // without this the channel waits out its reconnect backoff (1 s, 1.6 s, 2.6 s, ...) after
                    // the refused attempts of the start, and the figure would measure the backoff
                    channel.resetConnectBackoff();
                    UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                            .getUser(GetUserRequest.newBuilder().setId(1).build());
                    break;
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                        break; // answered: the server is serving
                    }
                    Thread.sleep(20);
                }
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
                    throw new IllegalStateException("no answer within 60 s, see " + log);
                }
            }
        } finally {
            channel.shutdownNow();
        }
        return new Process(p, grpcPort, (System.nanoTime() - t0) / 1e6);
    }

    /** The packaged app on a new embedded H2 file, with the AppCDS archive when run-benchmarks.sh built one. */
    private static List<String> h2App(String java, int grpcPort, int httpPort, Path data) {
        List<String> command = appCommand(java, grpcPort, httpPort, List.of(h2Url(data)));
        // class data sharing; the archive only maps when run from the app's folder (placeholder flag otherwise)
        command.add(1, Files.exists(APP_DIR.resolve("app-cds.jsa")) ? "-XX:SharedArchiveFile=app-cds.jsa" : "-Xshare:auto");
        return command;
    }

    /**
     * The JDBC URL option of a new embedded H2 file under {@code data}, with the default URL's settings (application
     * properties): the crash-durable WRITE_DELAY=0 is what users run, so it is what the benchmark measures.
     */
    private static String h2Url(Path data) {
        return "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + data.resolve(UUID.randomUUID().toString()).toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64";
    }

    private static List<String> baseline(String java, String classpath, int port) {
        // it keeps every user in its heap, ~550,000 by the time ListUsers runs (its CreateUser scenario is fast):
        // with 256 MB it spent the ListUsers run in full GCs (179k messages/s, vs 1.26M with 1 GB)
        return List.of(java, "-Xms64m", "-Xmx1g", "-XX:+UseSerialGC", "-cp", classpath,
                PlainGrpcUserServer.class.getName(), String.valueOf(port));
    }

    /** Starts the command {@link #STARTS} times (each on a free port), stops it; start-up ms and RSS KB of each. */
    private static double[] measureStarts(java.util.function.IntFunction<List<String>> command, Path dir, String log)
            throws Exception {
        double[] msThenRss = new double[2 * STARTS];
        for (int i = 0; i < STARTS; i++) {
            int port = freePort();
            Process p = start(command.apply(port), dir, port, log);
            msThenRss[i] = p.startupMs();
            msThenRss[STARTS + i] = p.memory().rssKb();
            p.stop();
        }
        return msThenRss;
    }

    private static String startupRows(Map<String, double[]> startups) {
        List<String> rows = new ArrayList<>();
        startups.forEach((name, msThenRss) -> {
            double[] ms = java.util.Arrays.copyOfRange(msThenRss, 0, STARTS);
            double[] rss = java.util.Arrays.copyOfRange(msThenRss, STARTS, 2 * STARTS);
            rows.add(String.format(Locale.ROOT, "| %s | %.0f ms | %s ms | %.0f MB |", name, median(ms),
                    java.util.Arrays.stream(ms).mapToObj(v -> String.format(Locale.ROOT, "%.0f", v))
                            .collect(java.util.stream.Collectors.joining(", ")), median(rss) / 1024));
        });
        return String.join("\n", rows);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The feature version of another JDK's java (its `-version` banner). */
    private static String javaFeature(String javaBinary) throws Exception {
        java.lang.Process p = new ProcessBuilder(javaBinary, "-version").redirectErrorStream(true).start();
        String banner = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("version \"(\\d+)").matcher(banner);
        return m.find() ? m.group(1) : "?";
    }

    /** The JVM image's options, read from its Dockerfile so the benchmark (and its RSS) runs exactly them. */
    static final List<String> APP_JVM_OPTIONS = imageJvmOptions(Path.of("src/main/docker/Dockerfile.jvm"));

    /** The GC and memory options {@code Dockerfile.jvm} sets ({@code GC_CONTAINER_OPTIONS}, {@code APP_JVM_OPTIONS}). */
    static List<String> imageJvmOptions(Path dockerfile) {
        try {
            String text = Files.readString(dockerfile);
            List<String> options = new ArrayList<>();
            for (String variable : List.of("GC_CONTAINER_OPTIONS", "APP_JVM_OPTIONS")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^ENV " + variable + "=\"([^\"]*)\"")
                        .matcher(text);
                if (!m.find()) {
                    throw new IllegalStateException(dockerfile + " no longer sets " + variable);
                }
                options.addAll(List.of(m.group(1).trim().split("\\s+")));
            }
            return List.copyOf(options);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The native executable's memory options, as Dockerfile.native passes them (RSS is measured with them). */
    static final List<String> NATIVE_OPTIONS = nativeImageOptions(Path.of("src/main/docker/Dockerfile.native"));

    /** The -X and -Djdk. options of {@code Dockerfile.native}'s ENTRYPOINT. */
    static List<String> nativeImageOptions(Path dockerfile) {
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(-X[^\"]*|-Djdk\\.[^\"]*)\"")
                    .matcher(Files.readString(dockerfile));
            List<String> options = new ArrayList<>();
            while (m.find()) {
                options.add(m.group(1));
            }
            return List.copyOf(options);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final int FANOUT_SUBSCRIBERS = 100;
    /** Every scenario's warm-up and measurement at scale 1. */
    private static final Duration WARMUP = Duration.ofSeconds(5);
    private static final Duration DURATION = Duration.ofSeconds(15);
    /** CreateOrder's warm-up at scale 1 (see afterOrderWarmup). */
    private static final Duration ORDER_WARMUP = Duration.ofSeconds(150);
    private static final Path APP_DIR = Path.of("target", "quarkus-app");
    /** The app packaged as aot-jar with its AOT cache, built by run-benchmarks.sh when BENCH_AOT_JAVA is set. */
    private static final Path AOT_APP_DIR = Path.of("target", "quarkus-app-aot");
    private static final int STARTS = 3;

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
