package dev.grpcshop.payment;

import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.platform.error.DuplicateKey;
import dev.grpcshop.platform.error.ApiError;
import dev.grpcshop.platform.error.Currencies;
import dev.grpcshop.platform.grpc.Hashing;
import dev.grpcshop.platform.grpc.Timestamps;
import dev.grpcshop.platform.error.Violations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Optional;

/**
 * Charges and refunds: validates, makes sure one idempotency key charges at most once, and drives the
 * processor through PENDING -> AUTHORIZED -> CAPTURED (or DECLINED). A charge interrupted by a crash (left PENDING
 * or AUTHORIZED, untouched for {@code app.payments.resume-after}) is finished by whoever comes first: a retry of the
 * same request, or the sweep ({@link InterruptedCharges}). The processor is idempotent by payment id, so finishing a
 * charge whose first attempt reached the processor never charges twice. Blocking; runs on worker threads.
 */
@ApplicationScoped
public class Payments {

    @Inject
    PaymentLedger ledger;
    @Inject
    PaymentProcessor processor;
    @Inject
    PaymentsConfig config;

    public PaymentEntity process(ProcessPaymentRequest request) {
        Violations violations = new Violations()
                .key("idempotency_key", request.getIdempotencyKey())
                .key("order_id", request.getOrderId())
                .key("card_token", request.getCardToken())
                .userId("user_id", request.getUserId())
                .check(request.hasAmount(), "amount", "is required");
        if (request.hasAmount()) {
            violations.check(request.getAmount().getAmountMinor() > 0, "amount.amount_minor", "must be positive");
            Currencies.check(violations, "amount.currency", request.getAmount().getCurrency());
        }
        violations.throwIfAny();

        String fingerprint = Hashing.fingerprint(request);
        PaymentEntity existing;
        try {
            PaymentLedger.Opened opened = ledger.findOrOpen(request.getIdempotencyKey(), fingerprint,
                    request.getOrderId(), request.getUserId(), request.getAmount().getAmountMinor(),
                    request.getAmount().getCurrency(), request.getCardToken());
            if (opened.isNew()) {
                return settle(opened.payment());
            }
            existing = opened.payment();
        } catch (DuplicateKey raced) {
            existing = ledger.findByKey(request.getIdempotencyKey()).orElseThrow();
        }
        // A retry or a concurrent duplicate: never charge again, answer with what the first request did.
        if (!existing.requestFingerprint.equals(fingerprint)) {
            throw keyReused(request.getIdempotencyKey());
        }
        return existing.state.isFinal() ? existing : resumeIfInterrupted(existing);
    }

    /**
     * Finishes up to {@code limit} interrupted charges; returns how many this call took over. Each is finished by
     * one caller only, whichever takes it over first.
     */
    public int resumeInterrupted(int limit) {
        Instant untouchedSince = Timestamps.now().minus(config.resumeAfter());
        int resumed = 0;
        for (String id : ledger.interrupted(untouchedSince, limit)) {
            Optional<PaymentEntity> taken = ledger.takeOver(id, untouchedSince);
            if (taken.isPresent()) {
                settle(taken.get());
                resumed++;
            }
        }
        return resumed;
    }

    /**
     * A payment changed within resume-after is still being charged elsewhere and is answered as it is, without the
     * takeover's write transaction (the outbox retries a pending charge every few seconds); an older one is taken over.
     */
    private PaymentEntity resumeIfInterrupted(PaymentEntity payment) {
        Instant untouchedSince = Timestamps.now().minus(config.resumeAfter());
        if (!payment.updatedAt.isBefore(untouchedSince)) {
            return payment;
        }
        return ledger.takeOver(payment.id, untouchedSince).map(this::settle).orElse(payment);
    }

    public PaymentEntity refund(String paymentId) {
        new Violations().key("payment_id", paymentId).throwIfAny();
        PaymentEntity payment = ledger.get(paymentId);
        switch (payment.state) {
            case REFUNDED:
                return payment;
            case CAPTURED:
                processor.refund(payment.id);
                return ledger.transition(payment.id, PaymentStage.CAPTURED, PaymentStage.REFUNDED, null);
            default:
                throw ApiError.failedPrecondition("PAYMENT_NOT_CAPTURED",
                        "only a CAPTURED payment can be refunded; this one is " + payment.state);
        }
    }

    /** Drives an unsettled payment (new, or taken over) to its outcome, from the state it is in. */
    private PaymentEntity settle(PaymentEntity payment) {
        if (payment.state == PaymentStage.PENDING) {
            PaymentProcessor.Outcome authorization = processor.authorize(payment.id, payment.amountMinor,
                    payment.currency, payment.cardToken);
            if (!authorization.approved()) {
                return ledger.transition(payment.id, PaymentStage.PENDING, PaymentStage.DECLINED,
                        authorization.declineReason());
            }
            payment = ledger.transition(payment.id, PaymentStage.PENDING, PaymentStage.AUTHORIZED, null);
        }
        if (payment.state != PaymentStage.AUTHORIZED) {
            return payment; // settled meanwhile by another worker
        }
        PaymentProcessor.Outcome capture = processor.capture(payment.id);
        return capture.approved()
                ? ledger.transition(payment.id, PaymentStage.AUTHORIZED, PaymentStage.CAPTURED, null)
                : ledger.transition(payment.id, PaymentStage.AUTHORIZED, PaymentStage.DECLINED, capture.declineReason());
    }

    private static ApiError keyReused(String key) {
        return ApiError.of(Code.ALREADY_EXISTS, "idempotency key already used for a different payment request",
                ErrorInfo.newBuilder().setReason("IDEMPOTENCY_KEY_REUSED").setDomain(ApiError.DOMAIN)
                        .putMetadata("idempotency_key", key).build());
    }
}
