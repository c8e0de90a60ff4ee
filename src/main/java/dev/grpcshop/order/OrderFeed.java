package dev.grpcshop.order;

import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.platform.stream.EventHub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

/** Fans committed order changes out to the open WatchOrder streams. */
@ApplicationScoped
public class OrderFeed {

    private final EventHub<Order> hub = new EventHub<>();

    /** Subscribes; the returned action unsubscribes. */
    public Runnable subscribe(java.util.function.Consumer<Order> subscriber) {
        return hub.subscribe(subscriber);
    }

    public int subscriberCount() {
        return hub.subscriberCount();
    }

    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) OrderChanged change) {
        hub.publish(change.order());
    }
}
