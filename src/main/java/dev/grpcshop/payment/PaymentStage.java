package dev.grpcshop.payment;

/** PENDING -> AUTHORIZED -> CAPTURED, or DECLINED from PENDING or AUTHORIZED; CAPTURED -> REFUNDED. */
public enum PaymentStage {
    PENDING,
    AUTHORIZED,
    CAPTURED,
    DECLINED,
    REFUNDED;

    /** Settled: the processor has answered for good; a payment that is not may be taken over and finished. */
    public boolean isFinal() {
        return this == CAPTURED || this == DECLINED || this == REFUNDED;
    }

    /** Whether a payment in this state may move to {@code next}: the only moves the state machine has. */
    public boolean canMoveTo(PaymentStage next) {
        return switch (this) {
            case PENDING -> next == AUTHORIZED || next == DECLINED;
            case AUTHORIZED -> next == CAPTURED || next == DECLINED;
            case CAPTURED -> next == REFUNDED;
            case DECLINED, REFUNDED -> false;
        };
    }
}
