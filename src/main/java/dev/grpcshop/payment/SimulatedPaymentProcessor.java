package dev.grpcshop.payment;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A processor for development and tests. Card tokens (README lists them too):
 * {@code tok_visa} and any other token approve; {@code tok_decline} -> card_declined;
 * {@code tok_insufficient_funds} -> insufficient_funds; {@code tok_timeout} -> the processor does not answer
 * within {@code app.payments.processor-timeout} and the payment is declined with processor_timeout
 * (the authorization is voided, so nothing is charged).
 * <p>
 * Idempotent by payment id, as a real processor is by its idempotency key: a repeated authorize, capture or refund
 * of a payment answers what the first one did and charges nothing more. With {@code app.payments.simulator.journal}
 * set, every operation is appended to that file, which plays the processor's own records: it outlives a crash of this
 * process (a write reaches the file before the call returns) and is read back at start, and tests compare it with the
 * stored payments.
 */
@DefaultBean
@ApplicationScoped
public class SimulatedPaymentProcessor implements PaymentProcessor {

    public static final String DECLINE = "tok_decline";
    public static final String INSUFFICIENT_FUNDS = "tok_insufficient_funds";
    public static final String TIMEOUT = "tok_timeout";

    private volatile Duration latency;
    private final Duration processorTimeout;
    private final Optional<Path> journal;
    /**
     * The first outcome of each operation, by "operation paymentId": the most recent {@link #REMEMBERED} of them, as a
     * real processor keeps idempotency keys for a while, not forever.
     */
    private final Map<String, Outcome> done = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
            return size() > REMEMBERED;
        }
    });
    private static final int REMEMBERED = 100_000;

    public SimulatedPaymentProcessor(PaymentsConfig config) {
        this.latency = config.simulator().latency();
        this.processorTimeout = config.processorTimeout();
        this.journal = config.simulator().journal();
        journal.filter(Files::exists).ifPresent(this::readJournal);
    }

    /** Changes the simulated latency of each processor call (tests use it to make PaymentService slow). */
    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    @Override
    public Outcome authorize(String paymentId, long amountMinor, String currency, String cardToken) {
        return once("authorize", paymentId, () -> switch (cardToken) {
            case DECLINE -> Outcome.declined("card_declined");
            case INSUFFICIENT_FUNDS -> Outcome.declined("insufficient_funds");
            case TIMEOUT -> Outcome.declined("processor_timeout");
            default -> Outcome.APPROVED;
        }, TIMEOUT.equals(cardToken) ? processorTimeout : latency);
    }

    @Override
    public Outcome capture(String paymentId) {
        return once("capture", paymentId, () -> Outcome.APPROVED, latency);
    }

    @Override
    public void refund(String paymentId) {
        once("refund", paymentId, () -> Outcome.APPROVED, latency);
    }

    /**
     * The outcome of the operation's first call for this payment: decided and recorded now, or recorded before. The
     * pause comes first, so a process killed during it has charged nothing.
     */
    private Outcome once(String operation, String paymentId, java.util.function.Supplier<Outcome> decide,
            Duration pause) {
        pause(pause);
        return done.computeIfAbsent(operation + " " + paymentId, key -> {
            Outcome outcome = decide.get();
            journal.ifPresent(file -> append(file, key + " " + (outcome.approved() ? "approved" : outcome.declineReason())));
            return outcome;
        });
    }

    private void readJournal(Path file) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.split(" ");
                if (parts.length == 3) {
                    done.putIfAbsent(parts[0] + " " + parts[1],
                            parts[2].equals("approved") ? Outcome.APPROVED : Outcome.declined(parts[2]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the simulator journal " + file, e);
        }
    }

    private static synchronized void append(Path file, String line) {
        try {
            Files.write(file, List.of(line), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulator journal " + file, e);
        }
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
