package dev.grpcshop.order;

import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.api.order.v1.CreateOrderRequest;
import dev.grpcshop.api.order.v1.LineItem;
import dev.grpcshop.api.payment.v1.Payment;
import dev.grpcshop.api.payment.v1.PaymentState;
import dev.grpcshop.order.outbox.ChargeOutcomes;
import dev.grpcshop.order.outbox.OutboxEntry;
import dev.grpcshop.order.outbox.OutboxStore;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored orders and their state machine: PENDING, then CONFIRMED or PAYMENT_FAILED once the payment settles,
 * CANCELLED from CONFIRMED. Each method is one transaction, so an order change and the calls it owes other services
 * (outbox entries, {@link OutboxStore}) are stored together or not at all; changes are announced
 * ({@link OrderChanged}) after commit.
 */
@ApplicationScoped
public class OrderBook implements ChargeOutcomes {

    /**
     * A new order and the CHARGE entry that its creator delivers right away; or, charge null, the order stored
     * before under the same idempotency key.
     */
    record Created(OrderEntity order, OutboxEntry charge) {
    }

    @Inject
    Event<OrderChanged> changes;
    @Inject
    OutboxStore outbox;

    @Transactional
    public Optional<OrderEntity> findByKey(String idempotencyKey) {
        return OrderEntity.find("idempotencyKey", idempotencyKey).firstResultOptional();
    }

    @Transactional
    public OrderEntity get(String id) {
        OrderEntity order = OrderEntity.findById(id);
        if (order == null) {
            throw ApiError.notFound("order", id);
        }
        return order;
    }

    /** Up to {@code limit} orders of a user, oldest first, after {@code last} (null: from the first). */
    @Transactional
    public List<OrderEntity> page(long userId, dev.grpcshop.api.order.v1.Order last, int limit) {
        Sort order = Sort.by("createdAt").and("id");
        if (last == null) {
            return OrderEntity.<OrderEntity> find("userId", order, userId).range(0, limit - 1).list();
        }
        Instant lastCreated = Instant.ofEpochSecond(last.getCreatedAt().getSeconds(), last.getCreatedAt().getNanos());
        return OrderEntity.<OrderEntity> find("userId = ?1 and (createdAt > ?2 or (createdAt = ?2 and id > ?3))", order,
                userId, lastCreated, last.getId()).range(0, limit - 1).list();
    }

    /**
     * One transaction: the order stored under the request's idempotency key, or a new one, stored PENDING with its
     * CHARGE entry, leased to the caller so the relay leaves it alone while the caller charges it.
     * {@link DuplicateKey} if a concurrent request stored one under the same key first.
     */
    @Transactional
    Created findOrCreatePending(CreateOrderRequest request, String fingerprint, long totalMinor) {
        Optional<OrderEntity> first = findByKey(request.getIdempotencyKey());
        if (first.isPresent()) {
            return new Created(first.get(), null);
        }
        OrderEntity order = new OrderEntity();
        order.idempotencyKey = request.getIdempotencyKey();
        order.requestFingerprint = fingerprint;
        order.userId = request.getUserId();
        for (LineItem item : request.getItemsList()) {
            OrderLine line = new OrderLine();
            line.sku = item.getSku();
            line.quantity = item.getQuantity();
            line.unitPriceMinor = item.getUnitPriceMinor();
            order.items.add(line);
        }
        order.totalMinor = totalMinor;
        order.currency = request.getCurrency();
        order.status = OrderStage.PENDING;
        order.createdAt = Timestamps.now();
        order.updatedAt = order.createdAt;
        try {
            order.persistAndFlush();
        } catch (ConstraintViolationException e) {
            throw new DuplicateKey();
        }
        var charge = OrderMessages.charge(order, request.getCardToken());
        OutboxEntry entry = outbox.enqueueLeased(order.id, OutboxEntry.Kind.CHARGE, charge.getIdempotencyKey(),
                charge.toByteArray());
        announce(order);
        return new Created(order, entry);
    }

    @Override
    @Transactional
    public List<OutboxEntry> paymentAnswered(long chargeEntryId, Payment payment) {
        if (!OrderStage.settles(payment.getState())) {
            return List.of(); // PENDING or AUTHORIZED: another attempt is charging it, the entry stays due
        }
        OutboxEntry charge = outbox.get(chargeEntryId);
        OrderEntity order = get(charge.orderId);
        List<OutboxEntry> next = new ArrayList<>();
        OrderStage after = order.status.afterPayment(payment.getState());
        if (after != order.status) {
            order.status = after;
            order.paymentId = payment.getId();
            if (after == OrderStage.CONFIRMED) {
                next.add(notify(order, OrderMessages.confirmed(order)));
            } else if (payment.getState() == PaymentState.PAYMENT_STATE_REFUNDED) {
                order.failureReason = "payment_refunded";
                next.add(notify(order, OrderMessages.failed(order, "the payment was refunded")));
            } else {
                order.failureReason = payment.getDeclineReason();
                next.add(notify(order, OrderMessages.declined(order, payment.getDeclineReason())));
            }
        }
        outbox.closeCharge(charge, null);
        touch(order);
        return next;
    }

    @Override
    @Transactional
    public List<OutboxEntry> paymentRefused(long chargeEntryId, String reason) {
        OutboxEntry charge = outbox.get(chargeEntryId);
        outbox.closeCharge(charge, reason);
        OrderEntity order = get(charge.orderId);
        if (order.status != OrderStage.PENDING) {
            return List.of();
        }
        order.status = OrderStage.PAYMENT_FAILED;
        order.failureReason = reason;
        touch(order);
        return List.of(notify(order, OrderMessages.failed(order, reason)));
    }

    /** Cancels a CONFIRMED order: it is refunded and the user told. Cancelling again returns it unchanged. */
    @Transactional
    Cancellation cancel(String orderId) {
        OrderEntity order = get(orderId);
        if (order.status == OrderStage.CANCELLED) {
            return new Cancellation(order, List.of());
        }
        order.status = order.status.cancelled();
        touch(order);
        OutboxEntry refund = outbox.enqueueLeased(order.id, OutboxEntry.Kind.REFUND, "refund:" + order.id,
                order.paymentId);
        return new Cancellation(order, List.of(refund, notify(order, OrderMessages.cancelled(order))));
    }

    record Cancellation(OrderEntity order, List<OutboxEntry> next) {
    }

    private OutboxEntry notify(OrderEntity order, SendNotificationRequest request) {
        return outbox.enqueueLeased(order.id, OutboxEntry.Kind.NOTIFY, request.getIdempotencyKey(),
                request.toByteArray());
    }

    private void touch(OrderEntity order) {
        order.updatedAt = Timestamps.now();
        OrderEntity.flush(); // bumps the version before the change is announced
        announce(order);
    }

    private void announce(OrderEntity order) {
        changes.fire(new OrderChanged(OrderMapper.toProto(order)));
    }
}
