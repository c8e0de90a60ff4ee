package dev.grpcshop.it;

import dev.grpcshop.api.user.v1.CreateUserRequest;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The default embedded H2 database is a file: what was stored is there after the process restarts. */
class DataSurvivesRestartIT {

    @TempDir
    Path dataDir;

    @Test
    void userCreatedBeforeARestartIsReadAfterIt() throws Exception {
        List<String> sameFile = List.of("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + dataDir.resolve("grpcshop"));
        User created;
        try (PackagedApp app = PackagedApp.start(sameFile)) {
            created = call(app, users -> users.createUser(
                    CreateUserRequest.newBuilder().setName("Persistent Pat").setEmail("pat@restart.example.com").build()));
        }
        try (PackagedApp restarted = PackagedApp.start(sameFile)) {
            User read = call(restarted, users -> users.getUser(GetUserRequest.newBuilder().setId(created.getId()).build()));
            assertEquals(created, read);
        }
    }

    private static <T> T call(PackagedApp app, java.util.function.Function<UserServiceGrpc.UserServiceBlockingStub, T> call)
            throws InterruptedException {
        ManagedChannel channel = dev.grpcshop.support.GrpcTestSupport.channel(app.grpcPort);
        try {
            return call.apply(UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
