package dev.grpcshop.bench;

import dev.grpcshop.api.order.v1.CreateOrderRequest;
import dev.grpcshop.api.order.v1.LineItem;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderServiceGrpc;
import dev.grpcshop.api.payment.v1.PaymentServiceGrpc;
import dev.grpcshop.api.payment.v1.PaymentUpdate;
import dev.grpcshop.api.payment.v1.StreamPaymentUpdatesRequest;
import dev.grpcshop.api.user.v1.CreateUserRequest;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.ListUsersRequest;
import dev.grpcshop.api.user.v1.SyncUsersRequest;
import dev.grpcshop.api.user.v1.SyncUsersResponse;
import dev.grpcshop.api.user.v1.UpsertUser;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import dev.grpcshop.tools.MintToken;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Closed-loop gRPC load generator: {@code connections} channels, {@code inflight} calls outstanding on each;
 * every completed call immediately starts the next until the duration or the count is reached. Latency in
 * an HdrHistogram (microseconds), errors by status code. Loopback targets only.
 * <pre>
 * LoadGenerator --target 127.0.0.1:9000 --scenario getUser --connections 4 --inflight 16 \
 *     --warmup 5s --duration 15s [--count N] [--out result.json]
 * </pre>
 * Scenarios: getUser, createUser, listUsers (streams --stream-size users per call), syncUsers, createOrder,
 * paymentFanout (--subscribers streams of StreamPaymentUpdates on one user while orders for that user are placed;
 * latency = update time to arrival). GetUser over REST is measured with h2load (src/bench/h2load-unary.sh): a Java
 * HTTP/1.1 client sharing the cores costs more than the server it measures.
 */
public final class LoadGenerator {

    /** One call of a scenario; reports its status (and streamed messages/bytes) through {@code done}. */
    interface Operation {
        void start(int worker, Consumer<Outcome> done);
    }

    record Outcome(Status.Code code, long messages, long bytes) {
        static final Outcome OK = new Outcome(Status.Code.OK, 1, 0);

        static Outcome failed(Throwable t) {
            return new Outcome(Status.fromThrowable(t).getCode(), 0, 0);
        }
    }

    public record Options(String target, String scenario, int connections, int inflight, Duration warmup,
            Duration duration, long count, int streamSize, int subscribers) {

        public Options(String target, String scenario, int connections, int inflight, Duration warmup,
                Duration duration, long count, int streamSize) {
            this(target, scenario, connections, inflight, warmup, duration, count, streamSize, 0);
        }
    }

    /** The admin token every call carries, minted once with the dev key pair (src/dev/keys). */
    static final String BEARER = mintBenchToken();

    public record Result(String scenario, String target, int connections, int inflight, long calls, double seconds,
            double callsPerSecond, double messagesPerSecond, double megabytesPerSecond, double p50Ms, double p90Ms,
            double p99Ms, double p999Ms, Map<String, Long> statusCounts) {

        String json() {
            StringBuilder codes = new StringBuilder();
            statusCounts.forEach((k, v) -> codes.append(codes.isEmpty() ? "" : ",").append('"').append(k).append("\":").append(v));
            return String.format(Locale.ROOT, "{\"scenario\":\"%s\",\"target\":\"%s\",\"connections\":%d,\"inflight\":%d,"
                    + "\"calls\":%d,\"seconds\":%.3f,\"calls_per_second\":%.1f,\"messages_per_second\":%.1f,"
                    + "\"megabytes_per_second\":%.2f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
                    + "\"status\":{%s}}", scenario, target, connections, inflight, calls, seconds, callsPerSecond,
                    messagesPerSecond, megabytesPerSecond, p50Ms, p90Ms, p99Ms, p999Ms, codes);
        }

        String line() {
            return String.format(Locale.ROOT, "%-12s %-16s %8.0f calls/s %10.0f msg/s %7.1f MB/s  p50 %7.3f  p90 %7.3f"
                    + "  p99 %7.3f  p99.9 %7.3f ms  %s", scenario, target, callsPerSecond, messagesPerSecond,
                    megabytesPerSecond, p50Ms, p90Ms, p99Ms, p999Ms, statusCounts);
        }
    }

    private final Options options;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Long> userIds;

    public LoadGenerator(Options options, List<Long> userIds) {
        String target = options.target();
        if (!target.startsWith("127.0.0.1:") && !target.startsWith("localhost:")) {
            throw new IllegalArgumentException("benchmarks only target loopback: " + target);
        }
        this.options = options;
        this.userIds = userIds;
        for (int i = 0; i < options.connections(); i++) {
            channels.add(channel(options.target(), 4 * 1024 * 1024));
        }
    }

    public static void main(String[] args) throws Exception {
        PlainLogging.install();
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Options options = new Options(a.getOrDefault("target", "127.0.0.1:9000"), a.getOrDefault("scenario", "getUser"),
                Integer.parseInt(a.getOrDefault("connections", "4")), Integer.parseInt(a.getOrDefault("inflight", "16")),
                parse(a.getOrDefault("warmup", "5s")), parse(a.getOrDefault("duration", "15s")),
                Long.parseLong(a.getOrDefault("count", "0")), Integer.parseInt(a.getOrDefault("stream-size", "100000")),
                Integer.parseInt(a.getOrDefault("subscribers", "100")));
        LoadGenerator generator = new LoadGenerator(options, seedUsers(options.target(), 1000));
        Result result = generator.run();
        System.out.println(result.line());
        if (a.containsKey("out")) {
            Files.writeString(Path.of(a.get("out")), result.json() + "\n");
        }
        generator.close();
    }

    /**
     * A plaintext channel whose calls carry an admin token minted with the dev key pair (src/dev/keys), as
     * the app under test requires; the plain grpc-java baseline ignores it, so both pay for the same bytes.
     */
    static ManagedChannel channel(String target, int flowControlWindow) {
        String[] hostPort = target.split(":");
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), BEARER);
        // directExecutor: responses are handled on the transport thread, so the client is not the bottleneck
        return NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1])).usePlaintext()
                .directExecutor().flowControlWindow(flowControlWindow)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)).build();
    }

    private static String mintBenchToken() {
        try {
            return "Bearer " + MintToken.mint("bench", List.of("admin"), 6 * 3600, Path.of("src/dev/keys/dev-private.pem"),
                    "https://auth.grpcshop.dev", "grpcshop");
        } catch (Exception e) {
            throw new IllegalStateException("cannot mint the benchmark token", e);
        }
    }

    static Duration parse(String d) {
        return d.endsWith("ms") ? Duration.ofMillis(Long.parseLong(d.substring(0, d.length() - 2)))
                : Duration.ofSeconds(Long.parseLong(d.replace("s", "")));
    }

    /** Creates {@code n} users through CreateUser and returns their ids (the hot set of GetUser). */
    static List<Long> seedUsers(String target, int n) throws InterruptedException {
        ManagedChannel channel = channel(target, 1024 * 1024);
        try {
            var stub = UserServiceGrpc.newFutureStub(channel);
            String tag = UUID.randomUUID().toString().substring(0, 8);
            List<com.google.common.util.concurrent.ListenableFuture<User>> created = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                created.add(stub.createUser(CreateUserRequest.newBuilder().setName("Bench User " + i)
                        .setEmail("bench." + tag + "." + i + "@load.example.com").build()));
                if (created.size() == 64 || i == n - 1) {
                    for (var f : created) {
                        ids.add(f.get(30, TimeUnit.SECONDS).getId());
                    }
                    created.clear();
                }
            }
            return ids;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("seeding users failed", e);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    public Result run() throws InterruptedException {
        if (options.scenario().equals("paymentFanout")) {
            return fanout();
        }
        Operation operation = operation(options.scenario());
        if (!options.warmup().isZero()) {
            phase(operation, options.warmup(), 0, new Recorder(3));
        }
        Recorder recorder = new Recorder(3);
        long start = System.nanoTime();
        Map<String, LongAdder> codes = new ConcurrentHashMap<>();
        LongAdder messages = new LongAdder();
        LongAdder bytes = new LongAdder();
        long calls = phase(operation, options.duration(), options.count(), recorder, codes, messages, bytes);
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        Map<String, Long> statusCounts = new LinkedHashMap<>();
        codes.forEach((k, v) -> statusCounts.put(k, v.sum()));
        return new Result(options.scenario(), options.target(), options.connections(), options.inflight(), calls, seconds,
                calls / seconds, messages.sum() / seconds, bytes.sum() / seconds / 1e6,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, statusCounts);
    }

    private long phase(Operation operation, Duration duration, long count, Recorder recorder) throws InterruptedException {
        return phase(operation, duration, count, recorder, new ConcurrentHashMap<>(), new LongAdder(), new LongAdder());
    }

    private long phase(Operation operation, Duration duration, long count, Recorder recorder,
            Map<String, LongAdder> codes, LongAdder messages, LongAdder bytes) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        AtomicLong started = new AtomicLong();
        int workers = options.connections() * options.inflight();
        CountDownLatch finished = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            new Object() {
                void next() {
                    if (System.nanoTime() >= deadline || (count > 0 && started.incrementAndGet() > count)) {
                        finished.countDown();
                        return;
                    }
                    long t0 = System.nanoTime();
                    operation.start(worker, outcome -> {
                        recorder.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        codes.computeIfAbsent(outcome.code().name(), k -> new LongAdder()).increment();
                        messages.add(outcome.messages());
                        bytes.add(outcome.bytes());
                        next();
                    });
                }
            }.next();
        }
        finished.await(duration.toSeconds() + 120, TimeUnit.SECONDS);
        return codes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private ManagedChannel channel(int worker) {
        return channels.get(worker % channels.size());
    }

    private <T> StreamObserver<T> unary(Consumer<Outcome> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
            }

            @Override
            public void onError(Throwable t) {
                done.accept(Outcome.failed(t));
            }

            @Override
            public void onCompleted() {
                done.accept(Outcome.OK);
            }
        };
    }

    private Operation operation(String scenario) {
        AtomicLong sequence = new AtomicLong();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        switch (scenario) {
            case "getUser":
                return (w, done) -> UserServiceGrpc.newStub(channel(w)).getUser(GetUserRequest.newBuilder()
                        .setId(userIds.get(ThreadLocalRandom.current().nextInt(userIds.size()))).build(), unary(done));
            case "createUser":
                return (w, done) -> {
                    long n = sequence.incrementAndGet();
                    UserServiceGrpc.newStub(channel(w)).createUser(CreateUserRequest.newBuilder().setName("Load " + n)
                            .setEmail("load." + tag + "." + n + "@load.example.com").build(), unary(done));
                };
            case "listUsers":
                return (w, done) -> UserServiceGrpc.newStub(channel(w)).listUsers(
                        ListUsersRequest.newBuilder().setLimit(options.streamSize()).build(), new StreamObserver<>() {
                            long count;
                            long size;

                            @Override
                            public void onNext(User value) {
                                count++;
                                size += value.getSerializedSize();
                            }

                            @Override
                            public void onError(Throwable t) {
                                done.accept(new Outcome(Status.fromThrowable(t).getCode(), count, size));
                            }

                            @Override
                            public void onCompleted() {
                                done.accept(new Outcome(Status.Code.OK, count, size));
                            }
                        });
            case "createOrder":
                return createOrder(() -> userIds.get(ThreadLocalRandom.current().nextInt(userIds.size())), tag, sequence);
            case "syncUsers":
                return syncRoundTrips();
            default:
                throw new IllegalArgumentException("unknown scenario " + scenario);
        }
    }

    /** CreateOrder end to end; only a CONFIRMED order (charged and notified) counts as a success. */
    private Operation createOrder(java.util.function.LongSupplier user, String tag, AtomicLong sequence) {
        return (w, done) -> OrderServiceGrpc.newStub(channel(w)).createOrder(CreateOrderRequest.newBuilder()
                .setUserId(user.getAsLong())
                .setCurrency("EUR").setIdempotencyKey(tag + "-" + sequence.incrementAndGet())
                .setCardToken("tok_visa")
                .addItems(LineItem.newBuilder().setSku("BOOK-1").setQuantity(2).setUnitPriceMinor(1250))
                .build(), new StreamObserver<Order>() {
                    Order order;

                    @Override
                    public void onNext(Order value) {
                        order = value;
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.accept(Outcome.failed(t));
                    }

                    @Override
                    public void onCompleted() {
                        done.accept(order != null && order.getStatus()
                                == dev.grpcshop.api.order.v1.OrderStatus.ORDER_STATUS_CONFIRMED
                                ? Outcome.OK : new Outcome(Status.Code.ABORTED, 0, 0));
                    }
                });
    }

    /**
     * StreamPaymentUpdates fan-out: {@code subscribers} streams watch one user's payments while orders for
     * that user are placed in a closed loop. Calls are orders; messages are updates delivered to subscribers;
     * latency is from the update's time (PaymentUpdate.at) to its arrival.
     */
    private Result fanout() throws InterruptedException {
        long user = userIds.get(0);
        Recorder lag = new Recorder(3);
        LongAdder delivered = new LongAdder();
        AtomicBoolean measuring = new AtomicBoolean();
        List<Context.CancellableContext> streams = new ArrayList<>();
        for (int i = 0; i < options.subscribers(); i++) {
            Context.CancellableContext context = Context.current().withCancellation();
            int k = i;
            context.run(() -> PaymentServiceGrpc.newStub(channel(k)).streamPaymentUpdates(
                    StreamPaymentUpdatesRequest.newBuilder().setUserId(user).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(PaymentUpdate update) {
                            if (measuring.get()) {
                                Instant at = Instant.ofEpochSecond(update.getAt().getSeconds(), update.getAt().getNanos());
                                lag.recordValue(Math.max(1, ChronoUnit.MICROS.between(at, Instant.now())));
                                delivered.increment();
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    }));
            streams.add(context);
        }
        Thread.sleep(1000); // the subscriptions reach the server
        Operation order = createOrder(() -> user, UUID.randomUUID().toString().substring(0, 8), new AtomicLong());
        if (!options.warmup().isZero()) {
            phase(order, options.warmup(), 0, new Recorder(3));
        }
        lag.reset();
        measuring.set(true);
        long start = System.nanoTime();
        Map<String, LongAdder> codes = new ConcurrentHashMap<>();
        long orders = phase(order, options.duration(), options.count(), new Recorder(3), codes, new LongAdder(),
                new LongAdder());
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(500); // updates of the last orders still arrive
        measuring.set(false);
        streams.forEach(c -> c.cancel(null));
        Histogram h = lag.getIntervalHistogram();
        Map<String, Long> statusCounts = new LinkedHashMap<>();
        codes.forEach((k, v) -> statusCounts.put(k, v.sum()));
        return new Result(options.scenario(), options.target(), options.connections(), options.inflight(), orders,
                seconds, orders / seconds, delivered.sum() / (seconds + 0.5), 0, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, statusCounts);
    }

    /**
     * One SyncUsers stream per worker; each operation is one upsert and its acknowledgement. Like any client of it,
     * a worker moves to a new call before the server's per-call cap (app.limits.max-stream-messages, 10,000 by
     * default) and after its call failed.
     */
    private Operation syncRoundTrips() {
        Map<Integer, SyncCall> calls = new ConcurrentHashMap<>();
        AtomicLong sequence = new AtomicLong();
        return (w, done) -> {
            SyncCall call = calls.compute(w, (k, current) -> {
                if (current == null || current.failed || current.sent >= SYNC_MESSAGES_PER_CALL) {
                    if (current != null && !current.failed) {
                        current.requests.onCompleted();
                    }
                    return new SyncCall(channel(k));
                }
                return current;
            });
            long id = userIds.get(w % userIds.size());
            call.waiting = done;
            call.sent++;
            call.requests.onNext(SyncUsersRequest.newBuilder().setRequestId(String.valueOf(sequence.incrementAndGet()))
                    .setUpsert(UpsertUser.newBuilder().setId(id).setName("Synced " + sequence.get())
                            .setEmail("sync." + id + "@load.example.com")).build());
        };
    }

    /** Upserts sent per SyncUsers call before a worker moves to a new one: well under the server's cap. */
    private static final int SYNC_MESSAGES_PER_CALL = 1_000;

    /** A worker's SyncUsers call; at most one upsert waits for its acknowledgement. */
    private static final class SyncCall implements StreamObserver<SyncUsersResponse> {
        final StreamObserver<SyncUsersRequest> requests;
        volatile Consumer<Outcome> waiting;
        volatile boolean failed;
        int sent;

        SyncCall(ManagedChannel channel) {
            requests = UserServiceGrpc.newStub(channel).syncUsers(this);
        }

        private void answer(Outcome outcome) {
            Consumer<Outcome> done = waiting;
            waiting = null;
            if (done != null) {
                done.accept(outcome);
            }
        }

        @Override
        public void onNext(SyncUsersResponse value) {
            if (value.hasAck()) { // the other messages are other streams' changes
                answer(value.getAck().getStatus().getCode() == 0 ? Outcome.OK
                        : new Outcome(Status.fromCodeValue(value.getAck().getStatus().getCode()).getCode(), 0, 0));
            }
        }

        @Override
        public void onError(Throwable t) {
            failed = true;
            answer(Outcome.failed(t));
        }

        @Override
        public void onCompleted() {
        }
    }

    public void close() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
