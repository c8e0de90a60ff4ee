package dev.grpcshop.payment;

import dev.grpcshop.api.payment.v1.PaymentUpdate;
import dev.grpcshop.platform.stream.EventHub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

/** Fans committed payment state changes out to the open StreamPaymentUpdates streams. */
@ApplicationScoped
public class PaymentFeed {

    private final EventHub<PaymentUpdate> hub = new EventHub<>();

    /** Subscribes; the returned action unsubscribes. */
    public Runnable subscribe(java.util.function.Consumer<PaymentUpdate> subscriber) {
        return hub.subscribe(subscriber);
    }

    public int subscriberCount() {
        return hub.subscriberCount();
    }

    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) PaymentChanged change) {
        hub.publish(change.update());
    }
}
