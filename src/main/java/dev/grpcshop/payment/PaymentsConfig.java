package dev.grpcshop.payment;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** PaymentService's settings ({@code app.payments.*}); defaults in application.properties. */
@ConfigMapping(prefix = "app.payments")
public interface PaymentsConfig {

    /** How long the processor may take before a payment is declined processor_timeout. */
    Duration processorTimeout();

    /**
     * An unsettled payment untouched this long was interrupted (its process died) and is taken over; longer than a
     * live charge can take (authorize + capture, each bounded by the processor timeout).
     */
    Duration resumeAfter();

    Simulator simulator();

    interface Simulator {
        /** Latency of each simulated processor call. */
        Duration latency();

        /** Where the simulated processor keeps its records, if anywhere. */
        Optional<Path> journal();
    }
}
