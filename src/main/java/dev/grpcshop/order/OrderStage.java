package dev.grpcshop.order;

import dev.grpcshop.api.payment.v1.PaymentState;
import dev.grpcshop.platform.error.ApiError;

/**
 * An order's life: PENDING until its payment settles, then CONFIRMED (captured) or PAYMENT_FAILED (declined, refused,
 * or refunded by an operator before the order learnt of its capture); a CONFIRMED order may be CANCELLED (and
 * refunded). Only these moves exist.
 */
public enum OrderStage {
    PENDING,
    CONFIRMED,
    PAYMENT_FAILED,
    CANCELLED;

    /** Whether a payment in this state has settled, so that its order can leave PENDING. */
    public static boolean settles(PaymentState payment) {
        return payment == PaymentState.PAYMENT_STATE_CAPTURED || payment == PaymentState.PAYMENT_STATE_DECLINED
                || payment == PaymentState.PAYMENT_STATE_REFUNDED;
    }

    /** The status after the order's payment reached {@code payment}: only a PENDING order moves, and only once. */
    OrderStage afterPayment(PaymentState payment) {
        if (this != PENDING) {
            return this;
        }
        return switch (payment) {
            case PAYMENT_STATE_CAPTURED -> CONFIRMED;
            case PAYMENT_STATE_DECLINED, PAYMENT_STATE_REFUNDED -> PAYMENT_FAILED;
            default -> PENDING;
        };
    }

    /** The status after a cancellation: FAILED_PRECONDITION for an order that cannot be cancelled (now). */
    OrderStage cancelled() {
        return switch (this) {
            case CONFIRMED, CANCELLED -> CANCELLED;
            case PENDING -> throw ApiError.failedPrecondition("PAYMENT_IN_PROGRESS",
                    "the order's payment is in progress; cancel it once it is CONFIRMED");
            case PAYMENT_FAILED -> throw ApiError.failedPrecondition("ORDER_NOT_CANCELLABLE",
                    "a " + this + " order cannot be cancelled");
        };
    }
}
