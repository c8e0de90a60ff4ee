package dev.grpcshop.platform.security;

import com.google.rpc.ErrorInfo;
import dev.grpcshop.api.notification.v1.ListNotificationsRequest;
import dev.grpcshop.api.notification.v1.NotificationServiceGrpc;
import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.api.notification.v1.SubscribeRequest;
import dev.grpcshop.api.order.v1.CancelOrderRequest;
import dev.grpcshop.api.order.v1.GetOrderRequest;
import dev.grpcshop.api.order.v1.ListOrdersRequest;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderServiceGrpc;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.api.order.v1.WatchOrderRequest;
import dev.grpcshop.api.payment.v1.GetPaymentRequest;
import dev.grpcshop.api.payment.v1.PaymentServiceGrpc;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.api.payment.v1.RefundPaymentRequest;
import dev.grpcshop.api.payment.v1.StreamPaymentUpdatesRequest;
import dev.grpcshop.api.common.v1.Money;
import dev.grpcshop.api.user.v1.CreateUserRequest;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.ListUsersRequest;
import dev.grpcshop.api.user.v1.SyncUsersRequest;
import dev.grpcshop.api.user.v1.UpdateUserRequest;
import dev.grpcshop.api.user.v1.UpsertUser;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.support.GrpcTestSupport;
import dev.grpcshop.support.Shop;
import dev.grpcshop.support.Tokens;
import io.grpc.ManagedChannel;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every RPC, called with no token, a bad token, the wrong role and another user's token: the right
 * status and reason, and stored data as it was. Callers with the right identity get through.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationAndAccessTest {

    /** One call of an RPC on user A's data, made with the given bearer token (null = none). */
    interface Call {
        void run(String token) throws Exception;
    }

    ManagedChannel anonymous;
    Shop admin;
    long alice;
    long bob;
    Order alicesOrder;

    @BeforeAll
    void setUp() {
        anonymous = GrpcTestSupport.anonymousChannel();
        admin = Shop.connect();
        alice = admin.newUser();
        bob = admin.newUser();
        alicesOrder = admin.orders.createOrder(Shop.order(alice, "tok_visa"));
        assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, alicesOrder.getStatus());
    }

    @AfterAll
    void tearDown() throws InterruptedException {
        GrpcTestSupport.close(anonymous);
        admin.close();
    }

    /** Each RPC of the four services, aimed at Alice's data; mutations would change what {@link #snapshot} sees. */
    Map<String, Call> callsOnAlicesData() {
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("user.v1.UserService/GetUser", t -> users(t).getUser(GetUserRequest.newBuilder().setId(alice).build()));
        calls.put("user.v1.UserService/CreateUser", t -> users(t).createUser(CreateUserRequest.newBuilder()
                .setName("Mallory").setEmail("mallory." + UUID.randomUUID() + "@example.com").build()));
        calls.put("user.v1.UserService/ListUsers", t -> users(t).listUsers(ListUsersRequest.newBuilder().build()).hasNext());
        calls.put("user.v1.UserService/UpdateUsers", t -> {
            CompletableFuture<Object> done = new CompletableFuture<>();
            StreamObserver<UpdateUserRequest> in = UserServiceGrpc.newStub(channel(t)).updateUsers(GrpcTestSupport.firstMessage(done));
            in.onNext(UpdateUserRequest.newBuilder().setId(alice).setName("Taken Over").build());
            in.onCompleted();
            await(done);
        });
        calls.put("user.v1.UserService/SyncUsers", t -> {
            CompletableFuture<Object> done = new CompletableFuture<>();
            StreamObserver<SyncUsersRequest> in = UserServiceGrpc.newStub(channel(t)).syncUsers(GrpcTestSupport.firstMessage(done));
            in.onNext(SyncUsersRequest.newBuilder().setRequestId("r1").setUpsert(UpsertUser.newBuilder().setId(alice)
                    .setName("Taken Over").setEmail("taken@example.com")).build());
            await(done);
        });
        calls.put("order.v1.OrderService/CreateOrder", t -> orders(t).createOrder(Shop.order(alice, "tok_visa")));
        calls.put("order.v1.OrderService/GetOrder", t -> orders(t).getOrder(
                GetOrderRequest.newBuilder().setOrderId(alicesOrder.getId()).build()));
        calls.put("order.v1.OrderService/ListOrders", t -> orders(t).listOrders(
                ListOrdersRequest.newBuilder().setUserId(alice).build()).hasNext());
        calls.put("order.v1.OrderService/WatchOrder", t -> orders(t).watchOrder(
                WatchOrderRequest.newBuilder().setOrderId(alicesOrder.getId()).build()).hasNext());
        calls.put("order.v1.OrderService/CancelOrder", t -> orders(t).cancelOrder(
                CancelOrderRequest.newBuilder().setOrderId(alicesOrder.getId()).build()));
        calls.put("payment.v1.PaymentService/ProcessPayment", t -> payments(t).processPayment(
                ProcessPaymentRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                        .setOrderId(UUID.randomUUID().toString()).setUserId(alice).setCardToken("tok_visa")
                        .setAmount(Money.newBuilder().setAmountMinor(100).setCurrency("EUR")).build()));
        calls.put("payment.v1.PaymentService/GetPayment", t -> payments(t).getPayment(
                GetPaymentRequest.newBuilder().setPaymentId(alicesOrder.getPaymentId()).build()));
        calls.put("payment.v1.PaymentService/RefundPayment", t -> payments(t).refundPayment(
                RefundPaymentRequest.newBuilder().setPaymentId(alicesOrder.getPaymentId()).build()));
        calls.put("payment.v1.PaymentService/StreamPaymentUpdates", t -> payments(t).streamPaymentUpdates(
                StreamPaymentUpdatesRequest.newBuilder().setPaymentId(alicesOrder.getPaymentId()).build()).hasNext());
        calls.put("notification.v1.NotificationService/SendNotification", t -> notifications(t).sendNotification(
                SendNotificationRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString()).setUserId(alice)
                        .setKind("phishing").setSubject("Your account").setBody("click here").build()));
        calls.put("notification.v1.NotificationService/ListNotifications", t -> notifications(t).listNotifications(
                ListNotificationsRequest.newBuilder().setUserId(alice).build()).hasNext());
        calls.put("notification.v1.NotificationService/Subscribe", t -> notifications(t).subscribe(
                SubscribeRequest.newBuilder().setUserId(alice).build()).hasNext());
        return calls;
    }

    @Test
    void everyRpcOfTheFourServicesIsCoveredByTheseTests() {
        List<String> rpcs = new ArrayList<>();
        for (ServiceDescriptor service : List.of(UserServiceGrpc.getServiceDescriptor(),
                OrderServiceGrpc.getServiceDescriptor(), PaymentServiceGrpc.getServiceDescriptor(),
                NotificationServiceGrpc.getServiceDescriptor())) {
            service.getMethods().forEach(m -> rpcs.add(m.getFullMethodName()));
        }
        assertEquals(Set.copyOf(rpcs), callsOnAlicesData().keySet());
    }

    @Test
    void everyRpcRefusesAMissingMalformedExpiredForgedOrMisaddressedToken() throws Exception {
        PrivateKey strangersKey = strangersKey();
        Map<String, String> badTokens = new LinkedHashMap<>();
        badTokens.put("MISSING_TOKEN", null);
        badTokens.put("MALFORMED_AUTHORIZATION", "Basic YWRtaW46YWRtaW4=");
        badTokens.put("TOKEN_EXPIRED", "Bearer " + Tokens.sign(Tokens.claims("ops-1", "admin")
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))));
        badTokens.put("TOKEN_INVALID", "Bearer " + Tokens.claims("ops-1", "admin").sign(strangersKey));
        badTokens.put("TOKEN_INVALID ", "Bearer " + Tokens.sign(Tokens.claims("ops-1", "admin").audience("another-app")));
        badTokens.put("TOKEN_INVALID  ", "Bearer " + Tokens.sign(Tokens.claims("ops-1", "admin").issuer("https://evil.example")));
        badTokens.put("TOKEN_INVALID   ", "Bearer not.a.jwt");

        String before = snapshot();
        for (var call : callsOnAlicesData().entrySet()) {
            for (var bad : badTokens.entrySet()) {
                StatusRuntimeException e = refused(call.getValue(), bad.getValue(), call.getKey() + " with " + bad.getKey());
                assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), call.getKey() + " " + bad.getKey());
                assertEquals(bad.getKey().trim(), reason(e), call.getKey());
                if (bad.getValue() != null) {
                    assertFalse(String.valueOf(e.getStatus().getDescription()).contains(bad.getValue().substring(6)),
                            "the token is not echoed");
                }
            }
        }
        assertEquals(before, snapshot(), "no refused call changed stored data");
    }

    @Test
    void rpcsRefuseRolesTheyDoNotAllow() throws Exception {
        String aliceToken = Tokens.user(alice);
        String service = Tokens.service();
        String noRoles = Tokens.sign(Tokens.claims(Long.toString(alice)));
        Map<String, Call> calls = callsOnAlicesData();
        String before = snapshot();
        for (String adminOrServiceOnly : List.of("user.v1.UserService/CreateUser", "user.v1.UserService/ListUsers",
                "user.v1.UserService/UpdateUsers", "user.v1.UserService/SyncUsers",
                "payment.v1.PaymentService/ProcessPayment", "payment.v1.PaymentService/RefundPayment",
                "notification.v1.NotificationService/SendNotification")) {
            assertDenied("ROLE_REQUIRED", calls.get(adminOrServiceOnly), aliceToken, adminOrServiceOnly + " as user");
        }
        for (String userFacing : List.of("order.v1.OrderService/CreateOrder", "order.v1.OrderService/CancelOrder",
                "order.v1.OrderService/ListOrders", "payment.v1.PaymentService/StreamPaymentUpdates",
                "notification.v1.NotificationService/Subscribe", "user.v1.UserService/ListUsers")) {
            assertDenied("ROLE_REQUIRED", calls.get(userFacing), service, userFacing + " as service");
        }
        for (var call : calls.entrySet()) {
            assertDenied("ROLE_REQUIRED", call.getValue(), noRoles, call.getKey() + " without roles");
        }
        assertEquals(before, snapshot());
    }

    @Test
    void aUserCannotReadWatchOrChangeAnotherUsersData() throws Exception {
        String bobToken = Tokens.user(bob);
        Map<String, Call> calls = callsOnAlicesData();
        String before = snapshot();
        for (String rpc : List.of("user.v1.UserService/GetUser", "order.v1.OrderService/CreateOrder",
                "order.v1.OrderService/GetOrder", "order.v1.OrderService/ListOrders", "order.v1.OrderService/WatchOrder",
                "order.v1.OrderService/CancelOrder", "payment.v1.PaymentService/GetPayment",
                "payment.v1.PaymentService/StreamPaymentUpdates", "notification.v1.NotificationService/ListNotifications",
                "notification.v1.NotificationService/Subscribe")) {
            assertDenied("NOT_OWNER", calls.get(rpc), bobToken, rpc + " by another user");
        }
        Call alicesPaymentsByUser = t -> payments(t).streamPaymentUpdates(
                StreamPaymentUpdatesRequest.newBuilder().setUserId(alice).build()).hasNext();
        assertDenied("NOT_OWNER", alicesPaymentsByUser, bobToken, "StreamPaymentUpdates(user_id) by another user");
        assertEquals(before, snapshot(), "Alice's order is not cancelled and nothing was added");
    }

    @Test
    void aUserOrdersReadsAndCancelsTheirOwnData() {
        String aliceToken = Tokens.user(alice);
        var users = Tokens.as(aliceToken, UserServiceGrpc.newBlockingStub(anonymous));
        var orders = Tokens.as(aliceToken, OrderServiceGrpc.newBlockingStub(anonymous));
        var payments = Tokens.as(aliceToken, PaymentServiceGrpc.newBlockingStub(anonymous));
        var notifications = Tokens.as(aliceToken, NotificationServiceGrpc.newBlockingStub(anonymous));

        assertEquals(alice, users.getUser(GetUserRequest.newBuilder().setId(alice).build()).getId());
        Order own = orders.createOrder(Shop.order(alice, "tok_visa"));
        assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, own.getStatus());
        assertEquals(own.getId(), orders.getOrder(GetOrderRequest.newBuilder().setOrderId(own.getId()).build()).getId());
        List<String> listed = new ArrayList<>();
        orders.listOrders(ListOrdersRequest.newBuilder().setUserId(alice).build()).forEachRemaining(o -> listed.add(o.getId()));
        assertTrue(listed.contains(own.getId()));
        assertEquals(alice, payments.getPayment(GetPaymentRequest.newBuilder().setPaymentId(own.getPaymentId()).build()).getUserId());
        assertTrue(payments.streamPaymentUpdates(StreamPaymentUpdatesRequest.newBuilder()
                .setPaymentId(own.getPaymentId()).build()).hasNext());
        assertTrue(notifications.listNotifications(ListNotificationsRequest.newBuilder().setUserId(alice).build()).hasNext());
        assertEquals(OrderStatus.ORDER_STATUS_CANCELLED,
                orders.cancelOrder(CancelOrderRequest.newBuilder().setOrderId(own.getId()).build()).getStatus());
    }

    @Test
    void healthReflectionAndHttpEndpointsNeedNoToken() throws Exception {
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(anonymous)
                .check(HealthCheckRequest.newBuilder().setService("order.v1.OrderService").build()).getStatus());
        CompletableFuture<ServerReflectionResponse> listed = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> reflection = ServerReflectionGrpc.newStub(anonymous)
                .serverReflectionInfo(GrpcTestSupport.firstMessage(listed));
        reflection.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        assertTrue(listed.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .anyMatch(s -> s.getName().equals("order.v1.OrderService")));
        reflection.onCompleted();
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'grpc-server-listening' }.status", org.hamcrest.Matchers.equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void aTokenIsRefusedOnceItExpiresEvenAfterItWasAccepted() throws Exception {
        Instant expiry = Instant.now().plusSeconds(2);
        String shortLived = Tokens.sign(Tokens.claims(Long.toString(alice), "user").expiresAt(expiry));
        var users = Tokens.as(shortLived, UserServiceGrpc.newBlockingStub(anonymous));
        assertEquals(alice, users.getUser(GetUserRequest.newBuilder().setId(alice).build()).getId());
        assertEquals(alice, users.getUser(GetUserRequest.newBuilder().setId(alice).build()).getId());
        Thread.sleep(java.time.Duration.between(Instant.now(), expiry).toMillis() + 2200);
        StatusRuntimeException e = refused(t -> users(t).getUser(GetUserRequest.newBuilder().setId(alice).build()),
                "Bearer " + shortLived, "an expired token that was accepted before");
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertEquals("TOKEN_EXPIRED", reason(e));
    }

    @Test
    void theDevMintingCommandIssuesTokensTheServerAccepts() throws Exception {
        Process mint = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "src/dev/MintToken.java", "--sub", Long.toString(alice), "--roles", "user").start();
        assertTrue(mint.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, mint.exitValue(), new String(mint.getErrorStream().readAllBytes()));
        String token = new String(mint.getInputStream().readAllBytes()).trim();
        assertEquals(alice, Tokens.as(token, UserServiceGrpc.newBlockingStub(anonymous))
                .getUser(GetUserRequest.newBuilder().setId(alice).build()).getId());
        assertDenied("NOT_OWNER", t -> users(t).getUser(GetUserRequest.newBuilder().setId(bob).build()), token,
                "a minted user token on another user");
    }

    // --- helpers ------------------------------------------------------------------------------

    /** What refused calls must not change: Alice's user record, her orders, payment state and notifications. */
    private String snapshot() {
        StringBuilder s = new StringBuilder();
        s.append(admin.users.getUser(GetUserRequest.newBuilder().setId(alice).build())).append('|');
        admin.orders.listOrders(ListOrdersRequest.newBuilder().setUserId(alice).build())
                .forEachRemaining(o -> s.append(o.getId()).append(':').append(o.getStatus()).append(','));
        s.append('|').append(admin.payments.getPayment(GetPaymentRequest.newBuilder()
                .setPaymentId(alicesOrder.getPaymentId()).build()).getState());
        s.append('|').append(admin.notificationsOf(alice).size());
        List<User> all = new ArrayList<>();
        admin.users.listUsers(ListUsersRequest.newBuilder().build()).forEachRemaining(all::add);
        return s.append('|').append(all.size()).toString();
    }

    private void assertDenied(String reason, Call call, String token, String what) {
        StatusRuntimeException e = refused(call, "Bearer " + token, what);
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), what + ": " + e.getStatus());
        assertEquals(reason, reason(e), what);
    }

    private static StatusRuntimeException refused(Call call, String authorization, String what) {
        try {
            call.run(authorization);
        } catch (StatusRuntimeException e) {
            return e;
        } catch (Exception e) {
            fail(what + ": " + e);
        }
        return fail(what + " was not refused");
    }

    private static String reason(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertNotNull(status, "rich status details");
        return GrpcTestSupport.detail(status, ErrorInfo.class).getReason();
    }

    private io.grpc.Channel channel(String authorization) {
        return authorization == null ? anonymous
                : io.grpc.ClientInterceptors.intercept(anonymous, headers(authorization));
    }

    private static io.grpc.ClientInterceptor headers(String authorization) {
        io.grpc.Metadata metadata = new io.grpc.Metadata();
        metadata.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), authorization);
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(metadata);
    }

    private UserServiceGrpc.UserServiceBlockingStub users(String t) {
        return UserServiceGrpc.newBlockingStub(channel(t)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private OrderServiceGrpc.OrderServiceBlockingStub orders(String t) {
        return OrderServiceGrpc.newBlockingStub(channel(t)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private PaymentServiceGrpc.PaymentServiceBlockingStub payments(String t) {
        return PaymentServiceGrpc.newBlockingStub(channel(t)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private NotificationServiceGrpc.NotificationServiceBlockingStub notifications(String t) {
        return NotificationServiceGrpc.newBlockingStub(channel(t)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static void await(CompletableFuture<Object> done) throws Exception {
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static PrivateKey strangersKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair().getPrivate();
    }
}
