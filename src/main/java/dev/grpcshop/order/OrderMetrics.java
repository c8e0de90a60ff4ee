package dev.grpcshop.order;

import dev.grpcshop.api.order.v1.OrderStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import java.util.Locale;

/** grpcshop_orders_total{status}: orders reaching each state, counted once the change is committed. */
@ApplicationScoped
public class OrderMetrics {

    @Inject
    MeterRegistry registry;

    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) OrderChanged change) {
        OrderStatus status = change.order().getStatus();
        String name = status.name().replace("ORDER_STATUS_", "").toLowerCase(Locale.ROOT);
        Counter.builder("grpcshop.orders").description("Orders that reached a status, by status")
                .tag("status", name).register(registry).increment();
    }
}
