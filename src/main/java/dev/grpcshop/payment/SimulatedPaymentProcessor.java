package dev.grpcshop.payment;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * A processor for development and tests. Card tokens (documented in README):
 * {@code tok_visa} and any other token approve; {@code tok_decline} -> card_declined;
 * {@code tok_insufficient_funds} -> insufficient_funds; {@code tok_timeout} -> the processor does not answer
 * within {@code app.payments.processor-timeout} and the payment is declined with processor_timeout
 * (the authorization is voided, so nothing is charged).
 */
@DefaultBean
@ApplicationScoped
public class SimulatedPaymentProcessor implements PaymentProcessor {

    public static final String DECLINE = "tok_decline";
    public static final String INSUFFICIENT_FUNDS = "tok_insufficient_funds";
    public static final String TIMEOUT = "tok_timeout";

    private volatile Duration latency;
    private final Duration processorTimeout;

    public SimulatedPaymentProcessor(
            @ConfigProperty(name = "app.payments.simulator.latency", defaultValue = "0ms") Duration latency,
            @ConfigProperty(name = "app.payments.processor-timeout", defaultValue = "2s") Duration processorTimeout) {
        this.latency = latency;
        this.processorTimeout = processorTimeout;
    }

    /** Changes the simulated latency of each processor call (tests use it to make PaymentService slow). */
    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    @Override
    public Outcome authorize(String paymentId, long amountMinor, String currency, String cardToken) {
        switch (cardToken) {
            case DECLINE:
                pause(latency);
                return Outcome.declined("card_declined");
            case INSUFFICIENT_FUNDS:
                pause(latency);
                return Outcome.declined("insufficient_funds");
            case TIMEOUT:
                pause(processorTimeout);
                return Outcome.declined("processor_timeout");
            default:
                pause(latency);
                return Outcome.APPROVED;
        }
    }

    @Override
    public Outcome capture(String paymentId) {
        pause(latency);
        return Outcome.APPROVED;
    }

    @Override
    public void refund(String paymentId) {
        pause(latency);
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
