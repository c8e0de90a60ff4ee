package dev.grpcshop.aot;

import dev.grpcshop.api.order.v1.CreateOrderRequest;
import dev.grpcshop.api.order.v1.LineItem;
import dev.grpcshop.api.order.v1.OrderServiceGrpc;
import dev.grpcshop.api.user.v1.CreateUserRequest;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.ListUsersRequest;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the JVM image's AOT training (src/main/docker/aot-training.sh), run in a JVM of its own
 * beside the app being trained; the app never loads it. Calls make the cache cover serving (token checks,
 * interceptors, the endpoints, database access), not only starting, so a container's first calls run less
 * cold code. Without a database (a PostgreSQL image build) the calls fail, and still train their path up to
 * the failure.
 *
 * <pre>
 *   keys &lt;dir&gt;                                    a throwaway RSA key pair: &lt;dir&gt;/public.pem, &lt;dir&gt;/private.pem
 *   calls &lt;port&gt; &lt;private.pem&gt; &lt;seconds&gt;      calls every service on that gRPC port for that long
 * </pre>
 */
public final class AotTrainingClient {

    /** Issuer and audience of the training token; aot-training.sh starts the app with them. */
    static final String ISSUER = "aot-training";

    private AotTrainingClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("keys")) {
            writeKeys(Path.of(args[1]));
        } else if (args.length == 4 && args[0].equals("calls")) {
            Map<String, Integer> outcomes = call(Integer.parseInt(args[1]), Path.of(args[2]),
                    Duration.ofSeconds(Long.parseLong(args[3])));
            System.out.println("aot-training: calls by outcome " + outcomes);
        } else {
            System.err.println("usage: AotTrainingClient keys <dir> | calls <port> <private.pem> <seconds>");
            System.exit(2);
        }
    }

    private static void writeKeys(Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(dir.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Files.writeString(dir.resolve("private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Map<String, Integer> call(int port, Path privateKeyPem, Duration howLong) throws Exception {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token(privateKeyPem));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)).build();
        Map<String, Integer> outcomes = new TreeMap<>();
        try {
            long end = System.nanoTime() + howLong.toNanos();
            for (int round = 0; System.nanoTime() < end; round++) {
                for (Runnable call : round(channel, round)) {
                    String outcome = "OK";
                    try {
                        call.run();
                    } catch (StatusRuntimeException failed) {
                        // e.g. no database in the image build: the path up to the failure is trained all the same
                        outcome = failed.getStatus().getCode().name();
                    }
                    outcomes.merge(outcome, 1, Integer::sum);
                }
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        return outcomes;
    }

    /** One of each kind of call a serving instance sees most: reads, writes, a stream, an order, a refusal. */
    private static List<Runnable> round(ManagedChannel channel, int round) {
        var users = UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
        var orders = OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
        long[] user = { 1 };
        return List.of(
                () -> HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()),
                () -> user[0] = users.createUser(CreateUserRequest.newBuilder().setName("Training " + round)
                        .setEmail("training-" + round + "@aot.invalid").build()).getId(),
                () -> users.getUser(GetUserRequest.newBuilder().setId(user[0]).build()),
                () -> users.getUser(GetUserRequest.newBuilder().setId(0).build()), // INVALID_ARGUMENT
                () -> {
                    Iterator<?> page = users.listUsers(ListUsersRequest.newBuilder().setLimit(20).build());
                    page.forEachRemaining(u -> { });
                },
                () -> orders.createOrder(CreateOrderRequest.newBuilder().setUserId(user[0]).setCurrency("EUR")
                        .setIdempotencyKey("training-" + round).setCardToken("tok_visa")
                        .addItems(LineItem.newBuilder().setSku("TRAINING").setQuantity(1).setUnitPriceMinor(100))
                        .build()));
    }

    private static String token(Path privateKeyPem) throws Exception {
        byte[] der = Base64.getMimeDecoder().decode(Files.readString(privateKeyPem).replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(ISSUER);
        claims.setSubject("aot-training");
        claims.setStringListClaim("groups", "admin");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(30);
        claims.setGeneratedJwtId();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }
}
