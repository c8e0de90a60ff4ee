package dev.grpcshop.payment;

/** PENDING -> AUTHORIZED -> CAPTURED, or PENDING -> DECLINED; CAPTURED -> REFUNDED. */
public enum PaymentState {
    PENDING,
    AUTHORIZED,
    CAPTURED,
    DECLINED,
    REFUNDED;

    public boolean isFinal() {
        return this == CAPTURED || this == DECLINED || this == REFUNDED;
    }
}
