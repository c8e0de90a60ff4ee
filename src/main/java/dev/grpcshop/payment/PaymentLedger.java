package dev.grpcshop.payment;

import dev.grpcshop.api.payment.v1.PaymentUpdate;
import dev.grpcshop.platform.error.DuplicateKey;
import dev.grpcshop.platform.error.ApiError;
import dev.grpcshop.platform.grpc.Timestamps;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.hibernate.exception.ConstraintViolationException;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The stored payments and their state changes. Each method is one transaction; every state change is
 * recorded in payment_events and announced ({@link PaymentChanged}) after it commits.
 */
@ApplicationScoped
public class PaymentLedger {

    private static final List<PaymentStage> UNSETTLED = List.of(PaymentStage.PENDING, PaymentStage.AUTHORIZED);

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
            String currency, String cardToken) {
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
        p.cardToken = cardToken;
        p.state = PaymentStage.PENDING;
        p.createdAt = Timestamps.now();
        p.updatedAt = p.createdAt;
        p.lastSequence = 1; // the PENDING event below: set before the insert, so the new row needs no update
        try {
            p.persistAndFlush();
        } catch (ConstraintViolationException e) {
            throw new DuplicateKey();
        }
        record(p, PaymentStage.PENDING, null);
        return new Opened(p, true);
    }

    /**
     * Moves the payment from {@code from} to {@code to}, recording and announcing the change. A payment no longer in
     * {@code from} (another worker that took over an interrupted charge moved it) is returned unchanged, so a
     * state change is never recorded twice. A settled payment no longer keeps its card token.
     */
    @Transactional
    public PaymentEntity transition(String id, PaymentStage from, PaymentStage to, String reason) {
        if (!from.canMoveTo(to)) {
            throw new IllegalArgumentException("a payment cannot move from " + from + " to " + to);
        }
        PaymentEntity p = get(id);
        if (p.state != from) {
            return p;
        }
        p.state = to;
        if (to == PaymentStage.DECLINED) {
            p.declineReason = reason;
        }
        if (to.isFinal()) {
            p.cardToken = null;
        }
        p.updatedAt = Timestamps.now();
        p.lastSequence++;
        record(p, to, reason);
        return p;
    }

    /**
     * Takes over an unsettled payment (PENDING or AUTHORIZED) that nobody has changed since {@code untouchedSince}:
     * its charge was interrupted (the process that drove it died) and is to be finished by the caller. The conditional
     * update lets exactly one of several concurrent callers (a retried request, the sweep, another instance) win.
     */
    @Transactional
    public Optional<PaymentEntity> takeOver(String id, Instant untouchedSince) {
        int taken = PaymentEntity.update("updatedAt = ?1, version = version + 1 where id = ?2 and state in ?3"
                + " and updatedAt < ?4", Timestamps.now(), id, UNSETTLED, untouchedSince);
        return taken == 1 ? Optional.of(get(id)) : Optional.empty();
    }

    /** Ids of up to {@code limit} unsettled payments that nobody has changed since {@code untouchedSince}. */
    @Transactional
    public List<String> interrupted(Instant untouchedSince, int limit) {
        return PaymentEntity.<PaymentEntity> find("state in ?1 and updatedAt < ?2", Sort.by("updatedAt"), UNSETTLED,
                untouchedSince).range(0, limit - 1).stream().map(p -> p.id).toList();
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
    private void record(PaymentEntity p, PaymentStage state, String reason) {
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
