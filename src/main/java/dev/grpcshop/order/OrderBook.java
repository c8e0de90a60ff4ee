package dev.grpcshop.order;

import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.api.order.v1.CreateOrderRequest;
import dev.grpcshop.api.order.v1.LineItem;
import dev.grpcshop.api.payment.v1.Payment;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.api.common.v1.Money;
import dev.grpcshop.platform.DuplicateKey;
import dev.grpcshop.platform.ApiError;
import dev.grpcshop.platform.Timestamps;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.hibernate.exception.ConstraintViolationException;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Currency;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stored orders and their outbox. Each method is one transaction, so an order change and the calls it
 * owes other services (outbox entries) are stored together or not at all; changes are announced
 * ({@link OrderChanged}) after commit.
 */
@ApplicationScoped
public class OrderBook {

    /**
     * A new order and the CHARGE entry that its creator delivers right away; or, charge null, the order stored
     * before under the same idempotency key.
     */
    record Created(OrderEntity order, OutboxEntry charge) {
    }

    @Inject
    Event<OrderChanged> changes;
    @Inject
    OrdersConfig config;

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
        order.status = OrderStatus.PENDING;
        order.createdAt = Timestamps.now();
        order.updatedAt = order.createdAt;
        try {
            order.persistAndFlush();
        } catch (ConstraintViolationException e) {
            throw new DuplicateKey();
        }
        ProcessPaymentRequest charge = ProcessPaymentRequest.newBuilder()
                .setIdempotencyKey("order:" + order.id) // one charge per order, however often it is retried
                .setOrderId(order.id)
                .setUserId(order.userId)
                .setAmount(Money.newBuilder().setAmountMinor(totalMinor).setCurrency(order.currency))
                .setCardToken(request.getCardToken())
                .build();
        OutboxEntry entry = enqueueLeased(order, OutboxEntry.Kind.CHARGE, charge.getIdempotencyKey(),
                encode(charge.toByteArray()));
        announce(order);
        return new Created(order, entry);
    }

    /** The order after a payment outcome was applied, and the entries it owes now (the notification). */
    record Settlement(OrderEntity order, List<OutboxEntry> next) {
    }

    /**
     * Settles the order with the payment's outcome and closes the CHARGE entry. Returns the order and the
     * entries to deliver next, none if the payment is still in progress elsewhere (the CHARGE entry then
     * stays due).
     */
    @Transactional
    Settlement applyPayment(long chargeEntryId, Payment payment) {
        OutboxEntry charge = OutboxEntry.findById(chargeEntryId);
        OrderEntity order = get(charge.orderId);
        List<OutboxEntry> next = new ArrayList<>();
        switch (payment.getState()) {
            case PAYMENT_STATE_CAPTURED -> {
                if (order.status == OrderStatus.PENDING) {
                    order.status = OrderStatus.CONFIRMED;
                    order.paymentId = payment.getId();
                    next.add(notify(order, "order.confirmed", "Order confirmed",
                            "Your order " + order.id + " of " + amount(order) + " is confirmed."));
                }
            }
            case PAYMENT_STATE_DECLINED -> {
                if (order.status == OrderStatus.PENDING) {
                    order.status = OrderStatus.PAYMENT_FAILED;
                    order.paymentId = payment.getId();
                    order.failureReason = payment.getDeclineReason();
                    next.add(notify(order, "order.payment_failed", "Payment failed",
                            "The payment for your order " + order.id + " of " + amount(order)
                                    + " was declined (" + payment.getDeclineReason() + ")."));
                }
            }
            default -> {
                return new Settlement(order, next); // PENDING or AUTHORIZED: another attempt is charging it
            }
        }
        settled(charge);
        touch(order);
        return new Settlement(order, next);
    }

    /** PaymentService refused the charge for a reason retrying cannot fix: the order fails. */
    @Transactional
    List<OutboxEntry> failPayment(long chargeEntryId, String reason) {
        OutboxEntry charge = OutboxEntry.findById(chargeEntryId);
        settled(charge);
        charge.lastError = reason;
        OrderEntity order = get(charge.orderId);
        if (order.status != OrderStatus.PENDING) {
            return List.of();
        }
        order.status = OrderStatus.PAYMENT_FAILED;
        order.failureReason = reason;
        touch(order);
        return List.of(notify(order, "order.payment_failed", "Payment failed",
                "The payment for your order " + order.id + " could not be made (" + reason + ")."));
    }

    /** Cancels a CONFIRMED order: it is refunded and the user told. Cancelling again returns it unchanged. */
    @Transactional
    Cancellation cancel(String orderId) {
        OrderEntity order = get(orderId);
        switch (order.status) {
            case CANCELLED:
                return new Cancellation(order, List.of());
            case CONFIRMED:
                order.status = OrderStatus.CANCELLED;
                touch(order);
                OutboxEntry refund = enqueueLeased(order, OutboxEntry.Kind.REFUND, "refund:" + order.id, order.paymentId);
                return new Cancellation(order, List.of(refund, notify(order, "order.cancelled", "Order cancelled",
                        "Your order " + order.id + " is cancelled; " + amount(order) + " will be refunded.")));
            case PENDING:
                throw ApiError.failedPrecondition("PAYMENT_IN_PROGRESS",
                        "the order's payment is in progress; cancel it once it is CONFIRMED");
            default:
                throw ApiError.failedPrecondition("ORDER_NOT_CANCELLABLE", "a " + order.status + " order cannot be cancelled");
        }
    }

    record Cancellation(OrderEntity order, List<OutboxEntry> next) {
    }

    /** Entries due for delivery now, oldest first. */
    @Transactional
    List<OutboxEntry> due(Instant now, int limit) {
        return OutboxEntry.<OutboxEntry> find("doneAt is null and nextAttemptAt <= ?1", Sort.by("nextAttemptAt"), now)
                .range(0, limit - 1).list();
    }

    /** Takes the lease of a due entry; false if another worker took it first. */
    @Transactional
    boolean claim(long entryId, Instant now) {
        return OutboxEntry.update("nextAttemptAt = ?1, attempts = attempts + 1 where id = ?2 and doneAt is null"
                + " and nextAttemptAt <= ?3", now.plus(config.outbox().lease()), entryId, now) == 1;
    }

    @Transactional
    void markDone(long entryId, String error) {
        OutboxEntry.update("doneAt = ?1, lastError = ?2 where id = ?3", Timestamps.now(), error, entryId);
    }

    /** Marks delivered entries done, in one statement. */
    @Transactional
    void markDone(Collection<Long> entryIds) {
        OutboxEntry.update("doneAt = ?1, lastError = null where id in ?2", Timestamps.now(), entryIds);
    }

    @Transactional
    void retryLater(long entryId, String error, Duration wait) {
        OutboxEntry.update("nextAttemptAt = ?1, lastError = ?2 where id = ?3 and doneAt is null",
                Timestamps.now().plus(wait), truncate(error), entryId);
    }

    /** Undelivered outbox entries by kind. */
    @Transactional
    Map<OutboxEntry.Kind, Long> backlog() {
        Map<OutboxEntry.Kind, Long> backlog = new EnumMap<>(OutboxEntry.Kind.class);
        for (OutboxEntry.Kind kind : OutboxEntry.Kind.values()) {
            backlog.put(kind, 0L);
        }
        OutboxEntry.getEntityManager()
                .createQuery("select e.kind, count(e) from OutboxEntry e where e.doneAt is null group by e.kind",
                        Object[].class)
                .getResultList().forEach(row -> backlog.put((OutboxEntry.Kind) row[0], (Long) row[1]));
        return backlog;
    }

    private OutboxEntry notify(OrderEntity order, String kind, String subject, String body) {
        String key = "notify:" + order.id + ":" + kind;
        SendNotificationRequest request = SendNotificationRequest.newBuilder().setIdempotencyKey(key)
                .setUserId(order.userId).setKind(kind).setSubject(subject).setBody(body).build();
        return enqueueLeased(order, OutboxEntry.Kind.NOTIFY, key, encode(request.toByteArray()));
    }

    /** A settled charge no longer needs its payload, which holds the card token: it is not kept. */
    private static void settled(OutboxEntry charge) {
        charge.doneAt = Timestamps.now();
        charge.payload = null;
    }

    /**
     * Stores an entry leased to the caller, who delivers it right after commit: the relay leaves it alone
     * for the lease (so it is not delivered twice at once) and takes it over only if that delivery never
     * reports back (a crash); a failed delivery sets its own retry time.
     */
    private OutboxEntry enqueueLeased(OrderEntity order, OutboxEntry.Kind kind, String key, String payload) {
        OutboxEntry entry = new OutboxEntry();
        entry.orderId = order.id;
        entry.kind = kind;
        entry.idempotencyKey = key;
        entry.payload = payload;
        entry.createdAt = Timestamps.now();
        entry.nextAttemptAt = entry.createdAt.plus(config.outbox().lease());
        entry.attempts = 1;
        entry.persist();
        return entry;
    }

    private void touch(OrderEntity order) {
        order.updatedAt = Timestamps.now();
        OrderEntity.flush(); // bumps the version before the change is announced
        announce(order);
    }

    private void announce(OrderEntity order) {
        changes.fire(new OrderChanged(OrderMapper.toProto(order)));
    }

    private static String amount(OrderEntity order) {
        int digits = Math.max(0, Currency.getInstance(order.currency).getDefaultFractionDigits());
        return BigDecimal.valueOf(order.totalMinor, digits).toPlainString() + " " + order.currency;
    }

    static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] decode(String payload) {
        return Base64.getDecoder().decode(payload);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300);
    }
}
