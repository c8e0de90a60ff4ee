package dev.grpcshop.order;

/** PENDING until the payment settles: CONFIRMED or PAYMENT_FAILED; CANCELLED on request. */
public enum OrderStatus {
    PENDING,
    CONFIRMED,
    PAYMENT_FAILED,
    CANCELLED
}
