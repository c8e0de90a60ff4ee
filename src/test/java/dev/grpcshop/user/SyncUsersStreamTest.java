package dev.grpcshop.user;

import com.google.rpc.Code;
import dev.grpcshop.api.user.v1.DeleteUser;
import dev.grpcshop.api.user.v1.SyncAck;
import dev.grpcshop.api.user.v1.SyncUsersRequest;
import dev.grpcshop.api.user.v1.SyncUsersResponse;
import dev.grpcshop.api.user.v1.UpsertUser;
import dev.grpcshop.api.user.v1.UserChange;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.support.GrpcTestSupport;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.grpcshop.support.GrpcTestSupport.fieldViolations;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncUsersStreamTest {

    @Inject
    MeterRegistry registry;
    @Inject
    UserFeed feed;

    ManagedChannel channel;

    @BeforeAll
    void connect() {
        channel = GrpcTestSupport.channel();
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    /** One SyncUsers stream seen from the client side. */
    final class SyncClient {
        final BlockingQueue<SyncUsersResponse> received = new LinkedBlockingQueue<>();
        final CountDownLatch closed = new CountDownLatch(1);
        final StreamObserver<SyncUsersRequest> requests = UserServiceGrpc.newStub(channel).syncUsers(new StreamObserver<>() {
            @Override
            public void onNext(SyncUsersResponse value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                closed.countDown();
            }

            @Override
            public void onCompleted() {
                closed.countDown();
            }
        });

        SyncAck upsert(String requestId, long id, String name, String email) throws InterruptedException {
            requests.onNext(SyncUsersRequest.newBuilder().setRequestId(requestId)
                    .setUpsert(UpsertUser.newBuilder().setId(id).setName(name).setEmail(email)).build());
            return nextAck();
        }

        SyncAck delete(String requestId, long id) throws InterruptedException {
            requests.onNext(SyncUsersRequest.newBuilder().setRequestId(requestId)
                    .setDelete(DeleteUser.newBuilder().setId(id)).build());
            return nextAck();
        }

        SyncAck nextAck() throws InterruptedException {
            SyncUsersResponse r = next();
            assertTrue(r.hasAck(), "expected an acknowledgement, got " + r);
            return r.getAck();
        }

        UserChange nextChange() throws InterruptedException {
            SyncUsersResponse r = next();
            assertTrue(r.hasChange(), "expected a pushed change, got " + r);
            return r.getChange();
        }

        SyncUsersResponse next() throws InterruptedException {
            SyncUsersResponse r = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(r, "nothing arrived within 5 s");
            return r;
        }

        void finish() throws InterruptedException {
            requests.onCompleted();
            assertTrue(closed.await(5, TimeUnit.SECONDS), "the server completes the stream after the client does");
        }
    }

    @Test
    void twoConcurrentClientsSeeEachOthersChangesAndOnlyAcksForTheirOwn() throws Exception {
        int subscribersBefore = feed.subscriberCount();
        SyncClient a = new SyncClient();
        SyncClient b = new SyncClient();
        // a round trip on each proves both streams are subscribed before the changes start
        a.delete("ping", 987_654_321L);
        b.delete("ping", 987_654_321L);
        assertEquals(Code.OK_VALUE, a.upsert("a0", 0, "Sync Anna", "anna@sync.example.com").getStatus().getCode());
        UserChange annaSeenByB = b.nextChange();
        assertEquals(Code.OK_VALUE, b.upsert("b0", 0, "Sync Bert", "bert@sync.example.com").getStatus().getCode());
        UserChange bertSeenByA = a.nextChange();
        assertEquals(UserChange.Kind.KIND_CREATED, annaSeenByB.getKind());
        assertEquals("anna@sync.example.com", annaSeenByB.getUser().getEmail());
        assertEquals("bert@sync.example.com", bertSeenByA.getUser().getEmail());

        long anna = annaSeenByB.getUser().getId();
        SyncAck renamed = b.upsert("b1", anna, "Anna Renamed", "anna@sync.example.com");
        assertEquals("b1", renamed.getRequestId());
        assertEquals("Anna Renamed", renamed.getUser().getName());
        UserChange renameSeenByA = a.nextChange();
        assertEquals(UserChange.Kind.KIND_UPDATED, renameSeenByA.getKind());
        assertEquals(renamed.getUser(), renameSeenByA.getUser());

        assertEquals(Code.OK_VALUE, a.delete("a1", anna).getStatus().getCode());
        UserChange deleteSeenByB = b.nextChange();
        assertEquals(UserChange.Kind.KIND_DELETED, deleteSeenByB.getKind());
        assertEquals(anna, deleteSeenByB.getUser().getId());

        assertNull(a.received.poll(300, TimeUnit.MILLISECONDS), "a client is not sent its own changes twice");
        a.finish();
        b.finish();
        await().atMost(Duration.ofSeconds(5)).until(() -> feed.subscriberCount() == subscribersBefore);
        assertEquals(0.0, registry.get("grpcshop.stream.subscribers").tag("stream", "user.SyncUsers").gauge().value());
    }

    @Test
    void acknowledgementsComeInRequestOrderAndCarryFailuresWithDetails() throws Exception {
        SyncClient c = new SyncClient();
        for (int i = 0; i < 5; i++) {
            c.requests.onNext(SyncUsersRequest.newBuilder().setRequestId("r" + i)
                    .setUpsert(UpsertUser.newBuilder().setName(i == 2 ? "" : "Order " + i)
                            .setEmail("order" + i + "@sync.example.com")).build());
        }
        for (int i = 0; i < 5; i++) {
            SyncAck ack = c.nextAck();
            assertEquals("r" + i, ack.getRequestId());
            if (i == 2) {
                assertEquals(Code.INVALID_ARGUMENT_VALUE, ack.getStatus().getCode());
                assertEquals("must not be empty", fieldViolations(ack.getStatus()).get("name"));
                assertEquals(false, ack.hasUser(), "nothing stored for a refused change");
            } else {
                assertEquals(Code.OK_VALUE, ack.getStatus().getCode());
            }
        }
        SyncAck unknown = c.delete("gone", 987_654_321L);
        assertEquals(Code.NOT_FOUND_VALUE, unknown.getStatus().getCode());
        c.requests.onNext(SyncUsersRequest.newBuilder().setRequestId("empty").build());
        SyncAck empty = c.nextAck();
        assertEquals(Code.INVALID_ARGUMENT_VALUE, empty.getStatus().getCode());
        c.finish();
    }
}
