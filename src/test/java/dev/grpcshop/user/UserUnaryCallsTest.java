package dev.grpcshop.user;

import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;
import dev.grpcshop.api.user.v1.CreateUserRequest;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.api.user.v1.UserStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static dev.grpcshop.support.GrpcTestSupport.assertFails;
import static dev.grpcshop.support.GrpcTestSupport.detail;
import static dev.grpcshop.support.GrpcTestSupport.fieldViolations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserUnaryCallsTest {

    @Inject
    UserSeeder seeder;

    ManagedChannel channel;
    UserServiceGrpc.UserServiceBlockingStub users;

    @BeforeAll
    void connect() {
        channel = dev.grpcshop.support.GrpcTestSupport.channel();
        users = UserServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        dev.grpcshop.support.GrpcTestSupport.close(channel);
    }

    @Test
    void createdUserIsReturnedByGetUser() {
        User created = users.createUser(CreateUserRequest.newBuilder()
                .setName("  Ada Lovelace ").setEmail("Ada@Example.com").build());

        assertTrue(created.getId() > 0);
        assertEquals("Ada Lovelace", created.getName(), "name is trimmed");
        assertEquals("ada@example.com", created.getEmail(), "email is stored lower-cased");
        assertEquals(UserStatus.USER_STATUS_ACTIVE, created.getStatus(), "unspecified status means active");
        assertTrue(created.hasCreatedAt() && created.hasUpdatedAt());
        assertEquals(created, users.getUser(GetUserRequest.newBuilder().setId(created.getId()).build()));
    }

    @Test
    void unknownIdIsNotFoundWithResourceInfo() {
        var status = assertFails(Status.Code.NOT_FOUND,
                () -> users.getUser(GetUserRequest.newBuilder().setId(987_654_321L).build()));
        ResourceInfo info = detail(status, ResourceInfo.class);
        assertEquals("user", info.getResourceType());
        assertEquals("987654321", info.getResourceName());
    }

    @Test
    void nonPositiveIdIsInvalidArgument() {
        var status = assertFails(Status.Code.INVALID_ARGUMENT,
                () -> users.getUser(GetUserRequest.newBuilder().setId(0).build()));
        assertTrue(fieldViolations(status).containsKey("id"));
    }

    @Test
    void emptyNameAndMalformedEmailAreBothReportedAndNothingIsStored() {
        long before = seeder.count();
        var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> users.createUser(
                CreateUserRequest.newBuilder().setName("   ").setEmail("not-an-email").build()));

        Map<String, String> violations = fieldViolations(status);
        assertEquals("must not be empty", violations.get("name"));
        assertTrue(violations.get("email").contains("email address"), violations.toString());
        assertEquals(before, seeder.count());
    }

    @Test
    void overLongNameIsInvalidArgument() {
        var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> users.createUser(
                CreateUserRequest.newBuilder().setName("x".repeat(101)).setEmail("long@example.com").build()));
        assertEquals("must be at most 100 characters", fieldViolations(status).get("name"));
    }

    @Test
    void overLongEmailIsInvalidArgument() {
        String email = "a".repeat(250) + "@example.com";
        var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> users.createUser(
                CreateUserRequest.newBuilder().setName("Long Mail").setEmail(email).build()));
        assertTrue(fieldViolations(status).get("email").startsWith("must be at most"));
    }

    @Test
    void unknownStatusNumberIsInvalidArgument() {
        var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> users.createUser(
                CreateUserRequest.newBuilder().setName("Enum").setEmail("enum@example.com").setStatusValue(42).build()));
        assertTrue(fieldViolations(status).containsKey("status"));
    }

    @Test
    void duplicateEmailInAnyCaseIsAlreadyExistsAndKeepsTheFirstUser() {
        User first = users.createUser(CreateUserRequest.newBuilder().setName("Grace").setEmail("grace@example.com").build());
        long before = seeder.count();

        var status = assertFails(Status.Code.ALREADY_EXISTS, () -> users.createUser(
                CreateUserRequest.newBuilder().setName("Other Grace").setEmail("GRACE@example.com").build()));

        ErrorInfo info = detail(status, ErrorInfo.class);
        assertEquals("EMAIL_TAKEN", info.getReason());
        assertEquals("grace@example.com", info.getMetadataOrThrow("email"));
        assertEquals(before, seeder.count());
        assertEquals(first, users.getUser(GetUserRequest.newBuilder().setId(first.getId()).build()));
    }

    @Test
    void errorMessagesCarryNoStackTrace() {
        var status = assertFails(Status.Code.NOT_FOUND,
                () -> users.getUser(GetUserRequest.newBuilder().setId(123_456_789L).build()));
        assertFalse(status.getMessage().contains("Exception"));
        assertFalse(status.getMessage().contains("\tat "));
    }
}
