package dev.grpcshop.order;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

@ConfigMapping(prefix = "app.orders")
public interface OrdersConfig {

    /** Most line items one order may have. */
    int maxItems();

    /** Largest quantity of one line item. */
    int maxQuantity();

    Listing list();

    interface Listing {
        /** Largest limit of a ListOrders request (0 in a request means this many). */
        int maxLimit();
    }

    Outbox outbox();

    interface Outbox {
        /**
         * How often the outbox poller (OutboxPoller) marks the entries delivered since its last poll done and looks
         * for due entries. A delivered entry stays leased until it is marked, so OrderService refuses to start
         * unless the lease is at least twice this.
         */
        Duration pollInterval();

        /** Entries handed to other services per poll. */
        int batchSize();

        /** Deliveries of one poll under way at once (each holds a worker thread for its calls). */
        int concurrency();

        /** Wait before the first retry of a failed delivery; doubles (with jitter) per attempt. */
        Duration initialBackoff();

        /** Longest wait between two delivery attempts. */
        Duration maxBackoff();

        /** How long a worker owns an entry it is delivering before another may take it over. */
        Duration lease();
    }
}
