package dev.grpcshop.bench;

import com.google.protobuf.Timestamp;
import dev.grpcshop.api.user.v1.CreateUserRequest;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.ListUsersRequest;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import dev.grpcshop.api.user.v1.UserStatus;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: the same user.v1 contract served by plain grpc-java (Netty, direct executor, which is the
 * fastest setting for handlers that never block) from an in-memory map. Not part of the product.
 * Usage: PlainGrpcUserServer PORT
 */
public final class PlainGrpcUserServer extends UserServiceGrpc.UserServiceImplBase {

    private final ConcurrentSkipListMap<Long, User> users = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();

    public static void main(String[] args) throws Exception {
        PlainLogging.install();
        int port = Integer.parseInt(args[0]);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .directExecutor().addService(new PlainGrpcUserServer()).build().start();
        System.out.println("plain grpc-java UserService on " + port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        server.awaitTermination();
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<User> response) {
        User user = users.get(request.getId());
        if (user == null) {
            response.onError(Status.NOT_FOUND.withDescription("user " + request.getId() + " not found").asException());
            return;
        }
        response.onNext(user);
        response.onCompleted();
    }

    @Override
    public void createUser(CreateUserRequest request, StreamObserver<User> response) {
        long now = System.currentTimeMillis();
        Timestamp ts = Timestamp.newBuilder().setSeconds(now / 1000).setNanos((int) (now % 1000) * 1_000_000).build();
        User user = User.newBuilder().setId(ids.incrementAndGet()).setName(request.getName()).setEmail(request.getEmail())
                .setStatus(UserStatus.USER_STATUS_ACTIVE).setCreatedAt(ts).setUpdatedAt(ts).build();
        users.put(user.getId(), user);
        response.onNext(user);
        response.onCompleted();
    }

    @Override
    public void listUsers(ListUsersRequest request, StreamObserver<User> plain) {
        // flow control done the grpc-java way: send while ready, resume in onReady
        ServerCallStreamObserver<User> response = (ServerCallStreamObserver<User>) plain;
        var cursor = users.tailMap(request.getAfterId(), false).values().iterator();
        int limit = request.getLimit() == 0 ? Integer.MAX_VALUE : request.getLimit();
        int[] sent = {0};
        boolean[] done = {false};
        Runnable drain = () -> {
            while (!done[0] && response.isReady()) {
                if (!cursor.hasNext() || sent[0] >= limit) {
                    done[0] = true;
                    response.onCompleted();
                    return;
                }
                response.onNext(cursor.next());
                sent[0]++;
            }
        };
        response.setOnCancelHandler(() -> done[0] = true);
        response.setOnReadyHandler(drain);
        drain.run();
    }
}
