package dev.grpcshop.payment;

import dev.grpcshop.api.payment.v1.PaymentUpdate;

/** A committed state change of a payment. */
public record PaymentChanged(PaymentUpdate update) {
}
