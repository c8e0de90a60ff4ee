package dev.grpcshop.platform.error;

/**
 * Another request stored a row under the same idempotency key first (the unique constraint said so).
 * Thrown inside the transaction, which then rolls back; the caller reads what the first request stored.
 */
public final class DuplicateKey extends RuntimeException {

    public DuplicateKey() {
        super(null, null, false, false);
    }
}
