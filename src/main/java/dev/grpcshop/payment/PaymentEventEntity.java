package dev.grpcshop.payment;

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

/** One recorded state change of a payment: its audit trail and the history StreamPaymentUpdates replays. */
@Entity
@Table(name = "payment_events")
public class PaymentEventEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "payment_events_seq")
    @SequenceGenerator(name = "payment_events_seq", sequenceName = "payment_events_seq", allocationSize = 50)
    public Long id;

    @Column(name = "payment_id", nullable = false)
    public String paymentId;

    @Column(nullable = false)
    public int sequence;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PaymentStage state;

    public String reason;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;
}
