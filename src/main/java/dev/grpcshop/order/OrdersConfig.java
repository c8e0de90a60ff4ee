package dev.grpcshop.order;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "app.orders")
public interface OrdersConfig {

    /** Most line items one order may have. */
    @WithDefault("100")
    int maxItems();

    /** Largest quantity of one line item. */
    @WithDefault("10000")
    int maxQuantity();

    /** Largest limit of a ListOrders request (0 in a request means this many). */
    @WithDefault("10000")
    int listMaxLimit();

    Outbox outbox();

    interface Outbox {
        /**
         * How often the relay (OutboxRelay's poller) marks the entries delivered since its last poll done and looks
         * for due entries. A delivered entry stays leased until it is marked, so OrderService refuses to start
         * unless the lease is at least twice this.
         */
        @WithDefault("1s")
        Duration pollInterval();

        /** Entries handed to other services per poll. */
        @WithDefault("100")
        int batchSize();

        /** Deliveries of one poll under way at once (each holds a worker thread for its calls). */
        @WithDefault("16")
        int concurrency();

        /** Wait before the first retry of a failed delivery; doubles (with jitter) per attempt. */
        @WithDefault("500ms")
        Duration initialBackoff();

        /** Longest wait between two delivery attempts. */
        @WithDefault("30s")
        Duration maxBackoff();

        /** How long a worker owns an entry it is delivering before another may take it over. */
        @WithDefault("60s")
        Duration lease();
    }
}
