package dev.grpcshop.payment;

/**
 * The card processor behind PaymentService. The built-in {@link SimulatedPaymentProcessor} is the default
 * bean; a real integration is another CDI bean of this type, selected with {@code @Alternative @Priority}.
 * Calls are blocking and run on worker threads.
 */
public interface PaymentProcessor {

    /** The processor's answer: approved, or declined with a machine-readable reason. */
    record Outcome(boolean approved, String declineReason) {
        public static final Outcome APPROVED = new Outcome(true, null);

        public static Outcome declined(String reason) {
            return new Outcome(false, reason);
        }
    }

    /** Reserves the amount on the card. */
    Outcome authorize(String paymentId, long amountMinor, String currency, String cardToken);

    /** Takes the reserved amount. */
    Outcome capture(String paymentId);

    /** Gives a captured amount back. */
    void refund(String paymentId);
}
