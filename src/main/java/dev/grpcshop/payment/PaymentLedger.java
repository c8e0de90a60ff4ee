package dev.grpcshop.payment;

import dev.grpcshop.api.payment.v1.PaymentUpdate;
import dev.grpcshop.platform.DuplicateKey;
import dev.grpcshop.platform.ApiError;
import dev.grpcshop.platform.Timestamps;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.hibernate.exception.ConstraintViolationException;

import java.util.List;
import java.util.Optional;

/**
 * The stored payments and their state changes. Each method is one transaction; every state change is
 * recorded in payment_events and announced ({@link PaymentChanged}) after it commits.
 */
@ApplicationScoped
public class PaymentLedger {

    @Inject
    Event<PaymentChanged> changes;

    @Transactional
    public Optional<PaymentEntity> findByKey(String idempotencyKey) {
        return PaymentEntity.find("idempotencyKey", idempotencyKey).firstResultOptional();
    }

    @Transactional
    public PaymentEntity get(String id) {
        PaymentEntity payment = PaymentEntity.findById(id);
        if (payment == null) {
            throw ApiError.notFound("payment", id);
        }
        return payment;
    }

    /** The payment stored under a key, and whether this call stored it. */
    public record Opened(PaymentEntity payment, boolean isNew) {
    }

    /**
     * One transaction: the payment already stored under the key, or a new PENDING one. {@link DuplicateKey}
     * if a concurrent request stored one under the same key first.
     */
    @Transactional
    public Opened findOrOpen(String idempotencyKey, String fingerprint, String orderId, long userId, long amountMinor,
            String currency) {
        Optional<PaymentEntity> existing = findByKey(idempotencyKey);
        if (existing.isPresent()) {
            return new Opened(existing.get(), false);
        }
        PaymentEntity p = new PaymentEntity();
        p.idempotencyKey = idempotencyKey;
        p.requestFingerprint = fingerprint;
        p.orderId = orderId;
        p.userId = userId;
        p.amountMinor = amountMinor;
        p.currency = currency;
        p.state = PaymentState.PENDING;
        p.createdAt = Timestamps.now();
        p.updatedAt = p.createdAt;
        p.lastSequence = 1; // the PENDING event below: set before the insert, so the new row needs no update
        try {
            p.persistAndFlush();
        } catch (ConstraintViolationException e) {
            throw new DuplicateKey();
        }
        record(p, PaymentState.PENDING, null);
        return new Opened(p, true);
    }

    /** Moves the payment to {@code state}, recording and announcing the change. */
    @Transactional
    public PaymentEntity transition(String id, PaymentState state, String reason) {
        PaymentEntity p = get(id);
        p.state = state;
        if (state == PaymentState.DECLINED) {
            p.declineReason = reason;
        }
        p.updatedAt = Timestamps.now();
        p.lastSequence++;
        record(p, state, reason);
        return p;
    }

    @Transactional
    public List<PaymentUpdate> history(String paymentId) {
        PaymentEntity p = get(paymentId);
        return PaymentEventEntity.<PaymentEventEntity> find("paymentId", Sort.by("sequence"), paymentId).stream()
                .map(e -> PaymentMapper.toUpdate(p, e)).toList();
    }

    @Transactional
    public long countForOrder(String orderId) {
        return PaymentEntity.count("orderId", orderId);
    }

    /** Stores the state change numbered {@code p.lastSequence}. */
    private void record(PaymentEntity p, PaymentState state, String reason) {
        PaymentEventEntity e = new PaymentEventEntity();
        e.paymentId = p.id;
        e.sequence = p.lastSequence;
        e.state = state;
        e.reason = reason;
        e.occurredAt = p.updatedAt;
        e.persist();
        changes.fire(new PaymentChanged(PaymentMapper.toUpdate(p, e)));
    }
}
