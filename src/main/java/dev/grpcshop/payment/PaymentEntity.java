package dev.grpcshop.payment;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.UuidGenerator;

import java.time.Instant;

@Entity
@Table(name = "payments")
public class PaymentEntity extends PanacheEntityBase {

    /** A time-ordered UUID (version 7), set at persist, so new rows append to the indexes (as the order's id). */
    @Id
    @UuidGenerator(style = UuidGenerator.Style.VERSION_7)
    public String id;

    /** Unique: the same key is the same charge. */
    @Column(name = "idempotency_key", nullable = false, unique = true)
    public String idempotencyKey;

    /** SHA-256 of the request (card token included), to refuse a reused key. */
    @Column(name = "request_fingerprint", nullable = false)
    public String requestFingerprint;

    @Column(name = "order_id", nullable = false)
    public String orderId;

    @Column(name = "user_id", nullable = false)
    public long userId;

    @Column(name = "amount_minor", nullable = false)
    public long amountMinor;

    @Column(nullable = false)
    public String currency;

    /**
     * The card to charge, kept only while the payment is unsettled (PENDING, AUTHORIZED), so that a charge
     * interrupted by a crash can be finished; set to null once it is settled.
     */
    @Column(name = "card_token")
    public String cardToken;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PaymentStage state;

    @Column(name = "decline_reason")
    public String declineReason;

    /** Sequence number of the last recorded state change (payment_events). */
    @Column(name = "last_sequence", nullable = false)
    public int lastSequence;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    @Column(nullable = false)
    public long version;
}
