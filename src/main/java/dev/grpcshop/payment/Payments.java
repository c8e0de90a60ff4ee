package dev.grpcshop.payment;

import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.platform.DuplicateKey;
import dev.grpcshop.platform.ApiError;
import dev.grpcshop.platform.Currencies;
import dev.grpcshop.platform.Hashing;
import dev.grpcshop.platform.Violations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Charges and refunds: validates, makes sure one idempotency key charges at most once, and drives the
 * processor through PENDING -> AUTHORIZED -> CAPTURED (or DECLINED). Blocking; runs on worker threads.
 */
@ApplicationScoped
public class Payments {

    static final int MAX_KEY_LENGTH = 200;

    @Inject
    PaymentLedger ledger;
    @Inject
    PaymentProcessor processor;

    public PaymentEntity process(ProcessPaymentRequest request) {
        Violations violations = new Violations()
                .text("idempotency_key", request.getIdempotencyKey(), MAX_KEY_LENGTH)
                .text("order_id", request.getOrderId(), MAX_KEY_LENGTH)
                .text("card_token", request.getCardToken(), MAX_KEY_LENGTH)
                .check(request.getUserId() > 0, "user_id", "must be a positive user id")
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
                    request.getAmount().getCurrency());
            if (opened.isNew()) {
                return charge(opened.payment(), request.getCardToken());
            }
            existing = opened.payment();
        } catch (DuplicateKey raced) {
            existing = ledger.findByKey(request.getIdempotencyKey()).orElseThrow();
        }
        // A retry or a concurrent duplicate: never charge again, answer with what the first request did.
        if (!existing.requestFingerprint.equals(fingerprint)) {
            throw keyReused(request.getIdempotencyKey());
        }
        return existing;
    }

    public PaymentEntity refund(String paymentId) {
        if (paymentId == null || paymentId.isBlank()) {
            throw ApiError.invalidArgument("payment_id", "must not be empty");
        }
        PaymentEntity payment = ledger.get(paymentId);
        switch (payment.state) {
            case REFUNDED:
                return payment;
            case CAPTURED:
                processor.refund(payment.id);
                return ledger.transition(payment.id, PaymentState.REFUNDED, null);
            default:
                throw ApiError.failedPrecondition("PAYMENT_NOT_CAPTURED",
                        "only a CAPTURED payment can be refunded; this one is " + payment.state);
        }
    }

    private PaymentEntity charge(PaymentEntity payment, String cardToken) {
        PaymentProcessor.Outcome authorization = processor.authorize(payment.id, payment.amountMinor, payment.currency,
                cardToken);
        if (!authorization.approved()) {
            return ledger.transition(payment.id, PaymentState.DECLINED, authorization.declineReason());
        }
        ledger.transition(payment.id, PaymentState.AUTHORIZED, null);
        PaymentProcessor.Outcome capture = processor.capture(payment.id);
        return capture.approved()
                ? ledger.transition(payment.id, PaymentState.CAPTURED, null)
                : ledger.transition(payment.id, PaymentState.DECLINED, capture.declineReason());
    }

    private static ApiError keyReused(String key) {
        return ApiError.of(Code.ALREADY_EXISTS, "idempotency key already used for a different payment request",
                ErrorInfo.newBuilder().setReason("IDEMPOTENCY_KEY_REUSED").setDomain(ApiError.DOMAIN)
                        .putMetadata("idempotency_key", key).build());
    }
}
