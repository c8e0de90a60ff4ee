package dev.grpcshop.user;

import dev.grpcshop.platform.grpc.LimitsConfig;
import dev.grpcshop.platform.stream.StreamsConfig;
import com.google.rpc.Code;
import dev.grpcshop.api.user.v1.CreateUserRequest;
import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.ListUsersRequest;
import dev.grpcshop.api.user.v1.SyncAck;
import dev.grpcshop.api.user.v1.SyncUsersRequest;
import dev.grpcshop.api.user.v1.SyncUsersResponse;
import dev.grpcshop.api.user.v1.UpdateFailure;
import dev.grpcshop.api.user.v1.UpdateUserRequest;
import dev.grpcshop.api.user.v1.UpdateUsersResponse;
import dev.grpcshop.api.user.v1.UpsertUser;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserService;
import dev.grpcshop.platform.grpc.BlockingWork;
import dev.grpcshop.platform.grpc.ClientStreamLimit;
import dev.grpcshop.platform.error.GrpcErrors;
import dev.grpcshop.platform.runtime.Meters;
import dev.grpcshop.platform.stream.PacedStream;
import dev.grpcshop.platform.stream.PageReaders;
import dev.grpcshop.platform.error.Violations;
import dev.grpcshop.platform.security.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** gRPC endpoint of user.v1.UserService: maps proto to {@link UserDirectory} calls and back. */
@GrpcService
public class UserGrpcEndpoint implements UserService {

    private static final com.google.rpc.Status OK = com.google.rpc.Status.newBuilder().setCode(Code.OK_VALUE).build();

    private final UserDirectory directory;
    private final UserCache cache;
    private final UserFeed feed;
    private final UsersConfig config;
    private final int maxPending;
    private final int maxStreamMessages;
    private final PageReaders pageReaders;
    private final AtomicInteger liveListStreams;
    private final AtomicInteger liveSyncStreams;
    private final io.micrometer.core.instrument.Counter pagesRead;

    @Inject
    public UserGrpcEndpoint(UserDirectory directory, UserCache cache, UserFeed feed, UsersConfig config, MeterRegistry registry,
            StreamsConfig streams, PageReaders pageReaders, LimitsConfig limits) {
        this.directory = directory;
        this.cache = cache;
        this.maxStreamMessages = limits.maxStreamMessages();
        this.maxPending = streams.maxPending();
        this.pageReaders = pageReaders;
        this.feed = feed;
        this.config = config;
        this.liveListStreams = Meters.liveStreams(registry, "user.ListUsers");
        this.liveSyncStreams = Meters.liveStreams(registry, "user.SyncUsers");
        this.pagesRead = io.micrometer.core.instrument.Counter.builder("grpcshop.users.list.pages.read")
                .description("Database pages read while streaming ListUsers").register(registry);
    }

    /** From {@link UserCache} on the transport thread when it can; otherwise read on a worker thread. */
    @Override
    public Uni<User> getUser(GetUserRequest request) {
        Caller.current().requireActsFor(request.getId());
        User cached = cache.cached(request.getId());
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return BlockingWork.onWorker(() -> cache.load(request.getId()));
    }

    @Override
    public Uni<User> createUser(CreateUserRequest request) {
        return BlockingWork.onWorker(() -> UserMapper.toProto(directory.create(request.getName(), request.getEmail(),
                UserMapper.toState(request.getStatus(), "status", UserState.ACTIVE), null)));
    }

    @Override
    public Multi<User> listUsers(ListUsersRequest request) {
        int maxLimit = config.list().maxLimit();
        new Violations()
                .check(request.getLimit() >= 0, "limit", "must not be negative")
                .check(request.getLimit() <= maxLimit, "limit", "must be at most " + maxLimit)
                .check(request.getOffset() >= 0, "offset", "must not be negative")
                .check(request.getAfterId() >= 0, "after_id", "must not be negative")
                .throwIfAny();
        int limit = request.getLimit() == 0 ? maxLimit : request.getLimit();
        return PacedStream.<User> pages(limit, config.list().pageSize(), (last, size) -> {
            pagesRead.increment();
            // the request's offset applies once, before the first page
            return directory.page(last == null ? request.getAfterId() : last.getId(),
                    last == null ? request.getOffset() : 0, size).stream().map(UserMapper::toProto).toList();
        }, pageReaders, liveListStreams);
    }

    @Override
    public Uni<UpdateUsersResponse> updateUsers(Multi<UpdateUserRequest> requests) {
        AtomicInteger index = new AtomicInteger();
        return ClientStreamLimit.capped(requests, maxStreamMessages).emitOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transform(request -> {
                    int position = index.getAndIncrement();
                    try {
                        directory.update(request.getId(), patchOf(request), null);
                        return Optional.<UpdateFailure> empty();
                    } catch (RuntimeException e) {
                        return Optional.of(UpdateFailure.newBuilder().setIndex(position).setId(request.getId())
                                .setStatus(GrpcErrors.toStatus(e)).build());
                    }
                })
                .collect().in(UpdateUsersResponse::newBuilder, (summary, failure) -> {
                    summary.setReceived(summary.getReceived() + 1);
                    failure.ifPresentOrElse(summary::addFailures, () -> summary.setUpdated(summary.getUpdated() + 1));
                })
                .map(UpdateUsersResponse.Builder::build);
    }

    @Override
    public Multi<SyncUsersResponse> syncUsers(Multi<SyncUsersRequest> requests) {
        String origin = UUID.randomUUID().toString();
        return PacedStream.<SyncUsersResponse> push(maxPending, liveSyncStreams, out -> {
            Runnable unsubscribe = feed.subscribe(changed -> {
                if (!origin.equals(changed.origin())) {
                    out.offer(SyncUsersResponse.newBuilder().setChange(changed.change()).build());
                }
            });
            Cancellable inbound = ClientStreamLimit.capped(requests, maxStreamMessages).emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(request -> SyncUsersResponse.newBuilder().setAck(apply(request, origin)).build())
                    .subscribe().with(out::offer, out::fail, out::complete);
            out.onTermination(() -> {
                unsubscribe.run();
                inbound.cancel();
            });
        });
    }

    private SyncAck apply(SyncUsersRequest request, String origin) {
        SyncAck.Builder ack = SyncAck.newBuilder().setRequestId(request.getRequestId());
        try {
            switch (request.getChangeCase()) {
                case UPSERT -> {
                    UpsertUser upsert = request.getUpsert();
                    UserState status = UserMapper.toState(upsert.getStatus(), "upsert.status", UserState.ACTIVE);
                    UserEntity user = upsert.getId() == 0
                            ? directory.create(upsert.getName(), upsert.getEmail(), status, origin)
                            : directory.update(upsert.getId(),
                                    new UserDirectory.UserPatch(upsert.getName(), upsert.getEmail(), status), origin);
                    ack.setUser(UserMapper.toProto(user));
                }
                case DELETE -> directory.delete(request.getDelete().getId(), origin);
                default -> new Violations().add("change", "must be an upsert or a delete").throwIfAny();
            }
            return ack.setStatus(OK).build();
        } catch (RuntimeException e) {
            return ack.setStatus(GrpcErrors.toStatus(e)).build();
        }
    }

    private static UserDirectory.UserPatch patchOf(UpdateUserRequest request) {
        return new UserDirectory.UserPatch(
                request.hasName() ? request.getName() : null,
                request.hasEmail() ? request.getEmail() : null,
                UserMapper.toState(request.getStatus(), "status", null));
    }
}
