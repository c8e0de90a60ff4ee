package dev.grpcshop.order.outbox;

import dev.grpcshop.api.payment.v1.Payment;

import java.util.List;

/**
 * The one way the outbox reaches back into the order side: a CHARGE entry's outcome is applied to its order (by
 * {@code OrderBook}), in one transaction that also closes the entry and stores what the order owes next.
 */
public interface ChargeOutcomes {

    /**
     * PaymentService answered the charge. A settled payment (CAPTURED or DECLINED) settles the order and closes the
     * entry; one still in progress elsewhere changes nothing. Returns the entries the order owes now (its
     * notification), for the caller to deliver.
     */
    List<OutboxEntry> paymentAnswered(long chargeEntryId, Payment payment);

    /** PaymentService refused the charge for a reason no retry fixes: the order fails. Returns what it owes now. */
    List<OutboxEntry> paymentRefused(long chargeEntryId, String reason);
}
