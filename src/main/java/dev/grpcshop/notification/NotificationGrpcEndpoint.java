package dev.grpcshop.notification;

import dev.grpcshop.platform.stream.StreamsConfig;
import dev.grpcshop.api.notification.v1.ListNotificationsRequest;
import dev.grpcshop.api.notification.v1.Notification;
import dev.grpcshop.api.notification.v1.NotificationService;
import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.api.notification.v1.SubscribeRequest;
import dev.grpcshop.platform.grpc.BlockingWork;
import dev.grpcshop.platform.runtime.Meters;
import dev.grpcshop.platform.stream.PacedStream;
import dev.grpcshop.platform.stream.PageReaders;
import dev.grpcshop.platform.error.Violations;
import dev.grpcshop.platform.security.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicInteger;

/** gRPC endpoint of notification.v1.NotificationService. */
@GrpcService
public class NotificationGrpcEndpoint implements NotificationService {

    private static final int PAGE_SIZE = 500;

    private final NotificationInbox inbox;
    private final int maxPending;
    private final int maxLimit;
    private final AtomicInteger liveSubscriptions;
    private final PageReaders pageReaders;
    private final AtomicInteger liveLists;

    @Inject
    public NotificationGrpcEndpoint(NotificationInbox inbox, MeterRegistry registry,
            StreamsConfig streams, PageReaders pageReaders,
            NotificationsConfig config) {
        this.inbox = inbox;
        this.maxPending = streams.maxPending();
        this.pageReaders = pageReaders;
        this.maxLimit = config.list().maxLimit();
        this.liveSubscriptions = Meters.liveStreams(registry, "notification.Subscribe");
        this.liveLists = Meters.liveStreams(registry, "notification.ListNotifications");
    }

    @Override
    public Uni<Notification> sendNotification(SendNotificationRequest request) {
        return BlockingWork.onWorker(() -> inbox.send(request));
    }

    @Override
    public Multi<Notification> listNotifications(ListNotificationsRequest request) {
        new Violations()
                .userId("user_id", request.getUserId())
                .check(request.getLimit() >= 0 && request.getLimit() <= maxLimit, "limit",
                        "must be between 0 and " + maxLimit)
                .throwIfAny();
        Caller.current().requireActsFor(request.getUserId());
        return PacedStream.<Notification> pages(request.getLimit() == 0 ? maxLimit : request.getLimit(), PAGE_SIZE,
                (last, size) -> inbox.page(request.getUserId(), last == null ? 0 : Long.parseLong(last.getId()), size),
                pageReaders, liveLists);
    }

    @Override
    public Multi<Notification> subscribe(SubscribeRequest request) {
        long userId = request.getUserId();
        new Violations().userId("user_id", userId).throwIfAny();
        Caller.current().requireActsFor(userId);
        return PacedStream.<Notification> push(maxPending, liveSubscriptions, out -> out.onTermination(
                inbox.subscribe(n -> {
                    if (n.getUserId() == userId) {
                        out.offer(n);
                    }
                })));
    }
}
