package dev.grpcshop.user;

import dev.grpcshop.api.user.v1.ListUsersRequest;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.support.GrpcTestSupport;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.grpcshop.support.GrpcTestSupport.assertFails;
import static dev.grpcshop.support.GrpcTestSupport.fieldViolations;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListUsersStreamTest {

    static final int SEEDED = 10_000;

    @Inject
    UserSeeder seeder;
    @Inject
    MeterRegistry registry;

    ManagedChannel channel;
    UserServiceGrpc.UserServiceBlockingStub users;
    List<Long> ids;

    @BeforeAll
    void seed() {
        ids = seeder.seed("Lister", SEEDED);
        channel = GrpcTestSupport.channel();
        users = UserServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    private List<User> list(ListUsersRequest request) {
        List<User> result = new ArrayList<>();
        users.listUsers(request).forEachRemaining(result::add);
        return result;
    }

    @Test
    void streamsUsersInAscendingIdOrderAcrossPages() {
        long start = ids.get(0) - 1;
        List<User> got = list(ListUsersRequest.newBuilder().setAfterId(start).setLimit(1_234).build());

        assertEquals(1_234, got.size(), "spans three database pages of 500");
        for (int i = 0; i < got.size(); i++) {
            assertEquals(ids.get(i), got.get(i).getId());
        }
    }

    @Test
    void offsetAndCursorResumeWhereTheLastStreamStopped() {
        long start = ids.get(0) - 1;
        List<User> first = list(ListUsersRequest.newBuilder().setAfterId(start).setLimit(5).build());
        List<User> next = list(ListUsersRequest.newBuilder()
                .setAfterId(first.get(4).getId()).setLimit(5).build());
        List<User> skipped = list(ListUsersRequest.newBuilder().setAfterId(start).setOffset(5).setLimit(5).build());

        assertEquals(ids.subList(5, 10), next.stream().map(User::getId).toList());
        assertEquals(next, skipped, "offset 5 from the start equals resuming after the fifth user");
    }

    @Test
    void limitZeroStreamsToTheEnd() {
        List<User> tail = list(ListUsersRequest.newBuilder().setAfterId(ids.get(SEEDED - 4)).build());
        assertTrue(tail.size() >= 3);
        assertEquals(ids.subList(SEEDED - 3, SEEDED), tail.subList(0, 3).stream().map(User::getId).toList());
    }

    @Test
    void negativeOffsetAndNegativeLimitAreInvalidArguments() {
        var status = assertFails(Status.Code.INVALID_ARGUMENT,
                () -> list(ListUsersRequest.newBuilder().setOffset(-1).setLimit(-5).build()));
        var violations = fieldViolations(status);
        assertEquals("must not be negative", violations.get("offset"));
        assertEquals("must not be negative", violations.get("limit"));
    }

    @Test
    void limitAboveTheCapIsInvalidArgument() {
        var status = assertFails(Status.Code.INVALID_ARGUMENT,
                () -> list(ListUsersRequest.newBuilder().setLimit(100_001).build()));
        assertEquals("must be at most 100000", fieldViolations(status).get("limit"));
    }

    @Test
    void slowClientHoldsTheServerBackAndCancellingStopsIt() throws Exception {
        double pagesBefore = registry.counter("grpcshop.users.list.pages.read").count();
        ManagedChannel small = GrpcTestSupport.channelWithWindow(64 * 1024);
        AtomicInteger received = new AtomicInteger();
        AtomicReference<ClientCallStreamObserver<ListUsersRequest>> call = new AtomicReference<>();
        CountDownLatch tenReceived = new CountDownLatch(10);
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<Throwable> end = new AtomicReference<>();
        try {
            UserServiceGrpc.newStub(small).listUsers(
                    ListUsersRequest.newBuilder().setAfterId(ids.get(0) - 1).setLimit(SEEDED).build(),
                    new ClientResponseObserver<ListUsersRequest, User>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<ListUsersRequest> requestStream) {
                            call.set(requestStream);
                            requestStream.disableAutoRequestWithInitial(10); // read 10, then stop reading
                        }

                        @Override
                        public void onNext(User value) {
                            received.incrementAndGet();
                            tenReceived.countDown();
                        }

                        @Override
                        public void onError(Throwable t) {
                            end.set(t);
                            closed.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            closed.countDown();
                        }
                    });
            assertTrue(tenReceived.await(10, TimeUnit.SECONDS));
            Thread.sleep(500); // give a server that ignored flow control time to read everything

            double pagesRead = registry.counter("grpcshop.users.list.pages.read").count() - pagesBefore;
            assertTrue(pagesRead <= 6, "a paused client must not make the server read ahead; pages read: " + pagesRead);
            assertEquals(1.0, liveListStreams(), "the stream is still open while paused");

            call.get().cancel("enough", null);
            assertTrue(closed.await(5, TimeUnit.SECONDS));
            assertEquals(Status.Code.CANCELLED, Status.fromThrowable(end.get()).getCode());
            await().atMost(Duration.ofSeconds(5)).until(() -> liveListStreams() == 0.0);
            Thread.sleep(200);
            assertEquals(pagesRead, registry.counter("grpcshop.users.list.pages.read").count() - pagesBefore,
                    "no page is read after the client cancelled");
            assertEquals(10, received.get());
        } finally {
            GrpcTestSupport.close(small);
        }
    }

    private double liveListStreams() {
        return registry.get("grpcshop.stream.subscribers").tag("stream", "user.ListUsers").gauge().value();
    }
}
