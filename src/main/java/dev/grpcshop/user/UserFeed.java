package dev.grpcshop.user;

import dev.grpcshop.platform.stream.EventHub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import java.util.function.Consumer;

/** Fans committed user changes out to the open SyncUsers streams. */
@ApplicationScoped
public class UserFeed {

    private final EventHub<UserChanged> hub = new EventHub<>();

    /** Subscribes; the returned action unsubscribes. */
    public Runnable subscribe(Consumer<UserChanged> subscriber) {
        return hub.subscribe(subscriber);
    }

    public int subscriberCount() {
        return hub.subscriberCount();
    }

    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) UserChanged change) {
        hub.publish(change);
    }
}
