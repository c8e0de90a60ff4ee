package dev.grpcshop.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.UpdateUserRequest;
import dev.grpcshop.api.user.v1.UpdateUsersResponse;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.support.GrpcTestSupport;
import io.grpc.stub.StreamObserver;
import dev.grpcshop.support.Shop;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingAndMetricsTest {

    @Inject
    InMemorySpanExporter spans;

    Shop shop;

    @BeforeAll
    void connect() {
        shop = Shop.connect();
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        shop.close();
    }

    @Test
    void createOrderIsOneTraceCoveringTheUserPaymentAndNotificationCallsAndTheDatabase() {
        long user = shop.newUser();
        spans.reset();
        Order order = shop.orders.createOrder(Shop.order(user, "tok_visa"));
        assertEquals(OrderStatus.ORDER_STATUS_CONFIRMED, order.getStatus());

        SpanData createOrder = await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("order.v1.OrderService/CreateOrder"))
                .findFirst().orElse(null), s -> s != null);
        String traceId = createOrder.getTraceId();
        List<SpanData> trace = await().atMost(Duration.ofSeconds(10)).until(
                () -> spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList(),
                t -> t.stream().anyMatch(s -> s.getKind() == SpanKind.SERVER
                        && s.getName().equals("notification.v1.NotificationService/SendNotification")));
        Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));

        for (String call : List.of("user.v1.UserService/GetUser", "payment.v1.PaymentService/ProcessPayment",
                "notification.v1.NotificationService/SendNotification")) {
            SpanData client = only(trace, SpanKind.CLIENT, call);
            SpanData server = only(trace, SpanKind.SERVER, call);
            assertEquals(client.getSpanId(), server.getParentSpanId(), call + ": the callee's span is a child of the call");
            assertTrue(descendsFrom(client, createOrder, byId), call + " happens under CreateOrder");
        }
        assertTrue(trace.stream().anyMatch(s -> s.getKind() == SpanKind.CLIENT
                && s.getAttributes().asMap().keySet().stream().anyMatch(k -> k.getKey().startsWith("db."))
                && descendsFrom(s, createOrder, byId)), "database statements are in the trace");
    }

    @Test
    void updateUsersDatabaseStatementsAreInTheStreamingCallsTrace() throws Exception {
        long user = shop.newUser();
        spans.reset();
        CompletableFuture<UpdateUsersResponse> answer = new CompletableFuture<>();
        StreamObserver<UpdateUserRequest> requests = UserServiceGrpc.newStub(shop.channel)
                .updateUsers(GrpcTestSupport.firstMessage(answer));
        requests.onNext(UpdateUserRequest.newBuilder().setId(user).setName("Traced Once").build());
        requests.onNext(UpdateUserRequest.newBuilder().setId(user).setName("Traced Twice").build());
        requests.onCompleted();
        assertEquals(2, answer.get(10, TimeUnit.SECONDS).getUpdated());

        SpanData updateUsers = await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("user.v1.UserService/UpdateUsers"))
                .findFirst().orElse(null), s -> s != null);
        List<SpanData> trace = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(updateUsers.getTraceId())).toList();
        Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
        long statements = trace.stream().filter(s -> s.getKind() == SpanKind.CLIENT
                && s.getAttributes().asMap().keySet().stream().anyMatch(k -> k.getKey().startsWith("db."))
                && descendsFrom(s, updateUsers, byId)).count();
        assertTrue(statements >= 2, "each message's database statements are under the call's span: " + statements
                + " in " + trace.stream().map(SpanData::getName).toList());
    }

    private static SpanData only(List<SpanData> trace, SpanKind kind, String name) {
        List<SpanData> found = trace.stream().filter(s -> s.getKind() == kind && s.getName().equals(name)).toList();
        assertTrue(!found.isEmpty(), "no " + kind + " span " + name + " in " + trace.stream().map(SpanData::getName).toList());
        return found.get(0);
    }

    private static boolean descendsFrom(SpanData span, SpanData ancestor, Map<String, SpanData> byId) {
        for (SpanData s = span; s != null; s = byId.get(s.getParentSpanId())) {
            if (s.getSpanId().equals(ancestor.getSpanId())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void metricsCountEachMethodByStatusAndTheBusinessOutcomes() throws Exception {
        String before = metrics();
        long user = shop.newUser();
        shop.orders.createOrder(Shop.order(user, "tok_visa"));
        shop.orders.createOrder(Shop.order(user, "tok_decline"));
        assertThrows(StatusRuntimeException.class, () -> shop.users.getUser(GetUserRequest.newBuilder().setId(0).build()));
        await().atMost(Duration.ofSeconds(5)).until(() -> value(metrics(),
                "grpcshop_orders_total{status=\"payment_failed\"}") > value(before, "grpcshop_orders_total{status=\"payment_failed\"}"));
        String after = metrics();

        assertMoved(before, after, "grpc_server_processing_duration_seconds_count{method=\"CreateOrder\",methodType=\"UNARY\",service=\"order.v1.OrderService\",statusCode=\"OK\"}", 2);
        assertMoved(before, after, "grpc_server_processing_duration_seconds_count{method=\"GetUser\",methodType=\"UNARY\",service=\"user.v1.UserService\",statusCode=\"INVALID_ARGUMENT\"}", 1);
        assertMoved(before, after, "grpc_client_processing_duration_seconds_count{method=\"ProcessPayment\",methodType=\"UNARY\",service=\"payment.v1.PaymentService\",statusCode=\"OK\"}", 2);
        assertMoved(before, after, "grpcshop_orders_total{status=\"confirmed\"}", 1);
        assertMoved(before, after, "grpcshop_payments_total{currency=\"EUR\",outcome=\"captured\"}", 1);
        assertMoved(before, after, "grpcshop_payments_total{currency=\"EUR\",outcome=\"declined\"}", 1);
        assertTrue(after.contains("grpcshop_outbox_backlog{kind=\"notify\"}"));
        assertTrue(after.contains("grpcshop_notification_delivery_lag_seconds_bucket"));
        assertTrue(after.contains("ft_circuitbreaker_state_current"));
        // kept for .ci/run, which checks it with Prometheus's own `promtool check metrics` (text format 0.0.4)
        Files.writeString(Path.of("target", "metrics-sample.prom"), given().header("Accept", "text/plain; version=0.0.4")
                .get("/q/metrics").then().statusCode(200).extract().asString());
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsExposed() throws Exception {
        long user = shop.newUser();
        shop.orders.createOrder(Shop.order(user, "tok_visa"));
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics().contains("grpcshop_notification_delivery_lag_seconds_bucket"));
        String metrics = metrics();
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("kubernetes/observability/grpcshop-dashboard.json").toFile());
        Set<String> queried = new HashSet<>();
        // our metric families: gRPC binders, fault tolerance, business metrics
        Pattern metric = Pattern.compile("\\b((?:grpc|grpcshop|ft)_[a-z0-9_]+)");
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher m = metric.matcher(target.get("expr").asText());
                while (m.find()) {
                    queried.add(m.group(1));
                }
            }
        }
        assertTrue(queried.size() >= 10, queried.toString());
        for (String name : queried) {
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " ")),
                    "the dashboard queries " + name + ", which /q/metrics does not expose");
        }
    }

    @Test
    void eachCallLogsOneLineWithMethodStatusDurationAndTraceIdButNoMessageContent() {
        java.util.logging.Logger calls = java.util.logging.Logger.getLogger("grpcshop.calls");
        java.util.logging.Level level = calls.getLevel();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                lines.add(java.text.MessageFormat.format(record.getMessage().replace("'", "''"),
                        record.getParameters() == null ? new Object[0] : record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        calls.setLevel(java.util.logging.Level.INFO);
        calls.addHandler(capture);
        try {
            assertThrows(StatusRuntimeException.class,
                    () -> shop.users.getUser(GetUserRequest.newBuilder().setId(424_242_424L).build()));
            await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream().anyMatch(l -> l.contains("GetUser")));
        } finally {
            calls.removeHandler(capture);
            calls.setLevel(level);
        }
        String line = lines.stream().filter(l -> l.contains("GetUser")).findFirst().orElseThrow();
        assertTrue(line.matches("grpc user\\.v1\\.UserService/GetUser NOT_FOUND [0-9.]+ms traceId=[0-9a-f]{32}"), line);
        assertTrue(!line.contains("424242424"), "no request content in the log line");
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static void assertMoved(String before, String after, String series, double by) {
        assertEquals(value(before, series) + by, value(after, series), series);
    }

    private static double value(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                // the value is the first token; an OpenMetrics exemplar may follow it
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim().split(" ")[0])).orElse(0.0);
    }
}
