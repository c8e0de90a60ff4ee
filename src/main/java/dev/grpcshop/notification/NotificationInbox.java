package dev.grpcshop.notification;

import dev.grpcshop.api.notification.v1.Notification;
import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.platform.error.DuplicateKey;
import dev.grpcshop.platform.stream.EventHub;
import dev.grpcshop.platform.grpc.Timestamps;
import dev.grpcshop.platform.error.Violations;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.hibernate.exception.ConstraintViolationException;

import java.util.List;
import java.util.Optional;

/** The stored notifications: one per idempotency key, announced to subscribers once committed. */
@ApplicationScoped
public class NotificationInbox {

    /** A notification was stored (and committed). */
    public record Stored(Notification notification) {
    }

    private final EventHub<Notification> hub = new EventHub<>();

    /** Subscribes to notifications as they are stored; the returned action unsubscribes. */
    public Runnable subscribe(java.util.function.Consumer<Notification> subscriber) {
        return hub.subscribe(subscriber);
    }

    public int subscriberCount() {
        return hub.subscriberCount();
    }

    @Inject
    Event<Stored> stored;

    /** Stores the notification unless its key is known; returns the notification stored under the key. */
    public Notification send(SendNotificationRequest request) {
        new Violations()
                .key("idempotency_key", request.getIdempotencyKey())
                .userId("user_id", request.getUserId())
                .text("kind", request.getKind(), 64)
                .text("subject", request.getSubject(), 200)
                .check(request.getBody().length() <= 2000, "body", "must be at most 2000 characters")
                .throwIfAny();
        try {
            return findOrInsert(request);
        } catch (DuplicateKey raced) {
            return findByKey(request.getIdempotencyKey()).orElseThrow();
        }
    }

    /** One transaction: the notification already stored under the key, or a new one. */
    @Transactional
    Notification findOrInsert(SendNotificationRequest request) {
        return findByKey(request.getIdempotencyKey()).orElseGet(() -> insert(request));
    }

    @Transactional
    Optional<Notification> findByKey(String key) {
        return NotificationEntity.<NotificationEntity> find("idempotencyKey", key).firstResultOptional()
                .map(NotificationInbox::toProto);
    }

    @Transactional
    Notification insert(SendNotificationRequest request) {
        NotificationEntity n = new NotificationEntity();
        n.idempotencyKey = request.getIdempotencyKey();
        n.userId = request.getUserId();
        n.kind = request.getKind();
        n.subject = request.getSubject();
        n.body = request.getBody();
        n.createdAt = Timestamps.now();
        try {
            n.persistAndFlush();
        } catch (ConstraintViolationException e) {
            throw new DuplicateKey();
        }
        Notification notification = toProto(n);
        stored.fire(new Stored(notification));
        return notification;
    }

    /** Up to {@code limit} notifications of the user with id above {@code afterId}, oldest first. */
    @Transactional
    public List<Notification> page(long userId, long afterId, int limit) {
        return NotificationEntity.<NotificationEntity> find("userId = ?1 and id > ?2", Sort.by("id"), userId, afterId)
                .range(0, limit - 1).stream().map(NotificationInbox::toProto).toList();
    }

    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) Stored event) {
        hub.publish(event.notification());
    }

    static Notification toProto(NotificationEntity n) {
        return Notification.newBuilder()
                .setId(String.valueOf(n.id))
                .setIdempotencyKey(n.idempotencyKey)
                .setUserId(n.userId)
                .setKind(n.kind)
                .setSubject(n.subject)
                .setBody(n.body)
                .setCreatedAt(Timestamps.of(n.createdAt))
                .build();
    }
}
