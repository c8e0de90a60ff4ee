package dev.grpcshop.order.outbox;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A call OrderService owes another service, stored in the same transaction as the order change that
 * causes it, and made by {@link OutboxDelivery} until it succeeds. The idempotency key goes with the call, so
 * a repeated delivery is harmless.
 */
@Entity
@Table(name = "order_outbox")
public class OutboxEntry extends PanacheEntityBase {

    public enum Kind {
        /** PaymentService.ProcessPayment; payload: the ProcessPaymentRequest. */
        CHARGE,
        /** NotificationService.SendNotification; payload: the SendNotificationRequest. */
        NOTIFY,
        /** PaymentService.RefundPayment; payload: the payment id. */
        REFUND
    }

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "order_outbox_seq")
    @SequenceGenerator(name = "order_outbox_seq", sequenceName = "order_outbox_seq", allocationSize = 50)
    public Long id;

    @Column(name = "order_id", nullable = false)
    public String orderId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind;

    @Column(name = "idempotency_key", nullable = false, unique = true)
    public String idempotencyKey;

    /** Base64 protobuf bytes (CHARGE, NOTIFY) or the payment id (REFUND). */
    public String payload;

    @Column(nullable = false)
    public int attempts;

    /** Not before this time; also the lease of the worker that is delivering it right now. */
    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "done_at")
    public Instant doneAt;
}
