package dev.grpcshop.platform.stream;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/** In-process fan-out of committed events to the streams that are open right now. */
public final class EventHub<E> {

    private final Set<Consumer<E>> subscribers = new CopyOnWriteArraySet<>();

    /** Subscribes; the returned action unsubscribes. */
    public Runnable subscribe(Consumer<E> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public void publish(E event) {
        subscribers.forEach(s -> s.accept(event));
    }

    public int subscriberCount() {
        return subscribers.size();
    }
}
