package dev.grpcshop.user;

import dev.grpcshop.api.user.v1.DeleteUser;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.SyncUsersRequest;
import dev.grpcshop.api.user.v1.SyncUsersResponse;
import dev.grpcshop.api.user.v1.UpdateUserRequest;
import dev.grpcshop.api.user.v1.UpdateUsersResponse;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.support.GrpcTestSupport;
import dev.grpcshop.support.Shop;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.grpcshop.support.GrpcTestSupport.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** GetUser answers from memory on the embedded database, and never with a version older than the last commit. */
@QuarkusTest
class UserCacheTest {

    @Inject
    UserCache cache;

    @ConfigProperty(name = "app.users.cache.enabled")
    boolean enabled;

    @Test
    void getUserReturnsEveryCommittedChangeAndNothingRolledBack() throws Exception {
        try (Shop shop = Shop.connect()) {
            long id = shop.newUser();
            long other = shop.newUser();
            User created = get(shop, id);
            if (enabled) {
                assertNotNull(cache.cached(id), "the read was remembered");
            } else {
                assertNull(cache.cached(id), "off (PostgreSQL): nothing is remembered");
            }

            UpdateUsersResponse renamed = update(shop, UpdateUserRequest.newBuilder().setId(id).setName("Renamed").build());
            assertEquals(1, renamed.getUpdated());
            User afterRename = get(shop, id);
            assertEquals("Renamed", afterRename.getName());
            assertEquals(created.getVersion() + 1, afterRename.getVersion());

            // refused (the email belongs to another user): nothing committed, nothing changes
            String taken = get(shop, other).getEmail();
            assertEquals(1, update(shop, UpdateUserRequest.newBuilder().setId(id).setEmail(taken).build()).getFailuresCount());
            assertEquals(afterRename, get(shop, id));

            CompletableFuture<SyncUsersResponse> ack = new CompletableFuture<>();
            StreamObserver<SyncUsersRequest> sync = UserServiceGrpc.newStub(shop.channel).syncUsers(GrpcTestSupport.firstMessage(ack));
            sync.onNext(SyncUsersRequest.newBuilder().setRequestId("d").setDelete(DeleteUser.newBuilder().setId(id)).build());
            assertEquals(0, ack.get(10, TimeUnit.SECONDS).getAck().getStatus().getCode());
            sync.onCompleted();
            assertFails(Status.Code.NOT_FOUND, () -> get(shop, id));
            assertFails(Status.Code.NOT_FOUND, () -> get(shop, id));
        }
    }

    @Test
    void readsRacingWithWritesNeverLeaveAnOlderVersionBehind() throws Exception {
        try (Shop shop = Shop.connect()) {
            long id = shop.newUser();
            ExecutorService readers = Executors.newFixedThreadPool(6);
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> running = new ArrayList<>();
            for (int r = 0; r < 6; r++) {
                running.add(readers.submit(() -> {
                    while (!stop.get()) {
                        get(shop, id);
                    }
                }));
            }
            try {
                for (int round = 0; round < 40; round++) {
                    update(shop, UpdateUserRequest.newBuilder().setId(id).setName("Round " + round).build());
                    // once the write has returned, every read sees it
                    User read = get(shop, id);
                    assertEquals("Round " + round, read.getName(), "round " + round);
                }
            } finally {
                stop.set(true);
                for (Future<?> f : running) {
                    f.get(10, TimeUnit.SECONDS);
                }
                readers.shutdown();
            }
        }
    }

    private static User get(Shop shop, long id) {
        return shop.users.getUser(GetUserRequest.newBuilder().setId(id).build());
    }

    private static UpdateUsersResponse update(Shop shop, UpdateUserRequest request) throws Exception {
        CompletableFuture<UpdateUsersResponse> result = new CompletableFuture<>();
        StreamObserver<UpdateUserRequest> requests = UserServiceGrpc.newStub(shop.channel).updateUsers(GrpcTestSupport.firstMessage(result));
        requests.onNext(request);
        requests.onCompleted();
        return result.get(10, TimeUnit.SECONDS);
    }
}
