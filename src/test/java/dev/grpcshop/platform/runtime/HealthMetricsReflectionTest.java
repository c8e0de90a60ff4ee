package dev.grpcshop.platform.runtime;

import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.support.GrpcTestSupport;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.grpcshop.support.GrpcTestSupport.assertFails;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthMetricsReflectionTest {

    ManagedChannel channel;

    @BeforeAll
    void connect() {
        channel = GrpcTestSupport.channel();
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    @Test
    void grpcHealthCheckReportsTheServerAndUserServiceServing() {
        var health = HealthGrpc.newBlockingStub(channel);
        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder().build()).getStatus());
        assertEquals(ServingStatus.SERVING,
                health.check(HealthCheckRequest.newBuilder().setService("user.v1.UserService").build()).getStatus());
    }

    @Test
    void grpcHealthCheckOfAnUnknownServiceIsUnknown() {
        var health = HealthGrpc.newBlockingStub(channel);
        assertEquals(ServingStatus.UNKNOWN,
                health.check(HealthCheckRequest.newBuilder().setService("no.such.Service").build()).getStatus());
    }

    @Test
    void grpcHealthWatchStreamsTheCurrentStatus() {
        Iterator<HealthCheckResponse> watch = HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .watch(HealthCheckRequest.newBuilder().setService("user.v1.UserService").build());
        assertEquals(ServingStatus.SERVING, watch.next().getStatus());
    }

    @Test
    void httpHealthIsUpAndIncludesTheDatabase() {
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.name", hasItem(containsString("Database connections")));
    }

    @Test
    void prometheusMetricsCountEachGrpcMethodWithItsStatus() {
        var users = UserServiceGrpc.newBlockingStub(channel);
        assertFails(Status.Code.NOT_FOUND, () -> users.getUser(GetUserRequest.newBuilder().setId(55_555_555L).build()));

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("grpc_server_processing_duration_seconds_count")
                && l.contains("method=\"GetUser\"") && l.contains("statusCode=\"NOT_FOUND\"")), metrics);
        assertTrue(metrics.contains("grpcshop_stream_subscribers{stream=\"user.ListUsers\"}"));
    }

    @Test
    void reflectionListsUserService() throws Exception {
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        services.complete(value.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        List<String> names = services.get(5, TimeUnit.SECONDS);
        assertTrue(names.contains("user.v1.UserService"), names.toString());
        assertTrue(names.contains("grpc.health.v1.Health"), names.toString());
    }
}
