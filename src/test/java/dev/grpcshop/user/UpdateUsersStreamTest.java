package dev.grpcshop.user;

import com.google.rpc.Code;
import dev.grpcshop.api.user.v1.CreateUserRequest;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.UpdateFailure;
import dev.grpcshop.api.user.v1.UpdateUserRequest;
import dev.grpcshop.api.user.v1.UpdateUsersResponse;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.api.user.v1.UserStatus;
import dev.grpcshop.support.GrpcTestSupport;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.grpcshop.support.GrpcTestSupport.fieldViolations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpdateUsersStreamTest {

    ManagedChannel channel;
    UserServiceGrpc.UserServiceBlockingStub users;

    @BeforeAll
    void connect() {
        channel = GrpcTestSupport.channel();
        users = UserServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    private User create(String name) {
        return users.createUser(CreateUserRequest.newBuilder().setName(name)
                .setEmail(name.toLowerCase().replace(' ', '.') + "@update.example.com").build());
    }

    private User get(long id) {
        return users.getUser(GetUserRequest.newBuilder().setId(id).build());
    }

    private UpdateUsersResponse send(List<UpdateUserRequest> updates) throws Exception {
        CompletableFuture<UpdateUsersResponse> result = new CompletableFuture<>();
        StreamObserver<UpdateUserRequest> requests = UserServiceGrpc.newStub(channel)
                .updateUsers(GrpcTestSupport.firstMessage(result));
        updates.forEach(requests::onNext);
        requests.onCompleted();
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void validUpdatesAreStoredAndInvalidOnesAreReportedWithoutHalfWrites() throws Exception {
        User alice = create("Alice Update");
        User bob = create("Bob Update");
        User carol = create("Carol Update");

        UpdateUsersResponse summary = send(List.of(
                UpdateUserRequest.newBuilder().setId(alice.getId()).setName("Alice Renamed").build(),
                // a valid name with an invalid email: neither may be stored
                UpdateUserRequest.newBuilder().setId(bob.getId()).setName("Bob Renamed").setEmail("bob-at-nowhere").build(),
                UpdateUserRequest.newBuilder().setId(987_654_321L).setName("Nobody").build(),
                UpdateUserRequest.newBuilder().setId(carol.getId()).setEmail(alice.getEmail()).build(),
                UpdateUserRequest.newBuilder().setId(carol.getId()).setStatus(UserStatus.USER_STATUS_SUSPENDED).build()));

        assertEquals(5, summary.getReceived());
        assertEquals(2, summary.getUpdated());
        List<UpdateFailure> failures = summary.getFailuresList();
        assertEquals(List.of(1, 2, 3), failures.stream().map(UpdateFailure::getIndex).toList());

        assertEquals(bob.getId(), failures.get(0).getId());
        assertEquals(Code.INVALID_ARGUMENT_VALUE, failures.get(0).getStatus().getCode());
        assertTrue(fieldViolations(failures.get(0).getStatus()).containsKey("email"));
        assertEquals(Code.NOT_FOUND_VALUE, failures.get(1).getStatus().getCode());
        assertEquals(Code.ALREADY_EXISTS_VALUE, failures.get(2).getStatus().getCode());

        assertEquals("Alice Renamed", get(alice.getId()).getName());
        assertEquals(bob, get(bob.getId()), "the failed update left Bob exactly as he was");
        User carolNow = get(carol.getId());
        assertEquals(carol.getEmail(), carolNow.getEmail());
        assertEquals(UserStatus.USER_STATUS_SUSPENDED, carolNow.getStatus());
        assertEquals(carol.getVersion() + 1, carolNow.getVersion());
    }

    @Test
    void anEmptyStreamUpdatesNothing() throws Exception {
        UpdateUsersResponse summary = send(List.of());
        assertEquals(0, summary.getReceived());
        assertEquals(0, summary.getUpdated());
    }
}
