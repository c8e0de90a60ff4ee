package dev.grpcshop.user;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/** Fans committed user changes out to the open SyncUsers streams. */
@ApplicationScoped
public class UserChangeFeed {

    private final Set<Consumer<UserChanged>> subscribers = new CopyOnWriteArraySet<>();

    /** Subscribes; the returned action unsubscribes. */
    public Runnable subscribe(Consumer<UserChanged> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) UserChanged change) {
        subscribers.forEach(s -> s.accept(change));
    }
}
