package dev.grpcshop.payment;

import dev.grpcshop.api.payment.v1.PaymentUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import java.util.Locale;

/**
 * grpcshop_payments_total{outcome,currency}: payments reaching captured, declined or refunded. Currency is an
 * ISO-4217 code, a bounded label.
 */
@ApplicationScoped
public class PaymentMetrics {

    @Inject
    MeterRegistry registry;

    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) PaymentChanged change) {
        PaymentUpdate update = change.update();
        switch (update.getState()) {
            case PAYMENT_STATE_CAPTURED, PAYMENT_STATE_DECLINED, PAYMENT_STATE_REFUNDED ->
                Counter.builder("grpcshop.payments").description("Payments that reached an outcome, by outcome and currency")
                        .tag("outcome", update.getState().name().replace("PAYMENT_STATE_", "").toLowerCase(Locale.ROOT))
                        .tag("currency", update.getCurrency()).register(registry).increment();
            default -> {
            }
        }
    }
}
