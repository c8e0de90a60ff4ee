package dev.grpcshop.payment;

import dev.grpcshop.api.common.v1.Money;
import dev.grpcshop.api.payment.v1.Payment;
import dev.grpcshop.api.payment.v1.PaymentState;
import dev.grpcshop.api.payment.v1.PaymentUpdate;
import dev.grpcshop.platform.grpc.Timestamps;

final class PaymentMapper {

    private PaymentMapper() {
    }

    static Payment toProto(PaymentEntity p) {
        Payment.Builder b = Payment.newBuilder()
                .setId(p.id)
                .setIdempotencyKey(p.idempotencyKey)
                .setOrderId(p.orderId)
                .setUserId(p.userId)
                .setAmount(Money.newBuilder().setAmountMinor(p.amountMinor).setCurrency(p.currency))
                .setState(toProto(p.state))
                .setCreatedAt(Timestamps.of(p.createdAt))
                .setUpdatedAt(Timestamps.of(p.updatedAt));
        if (p.declineReason != null) {
            b.setDeclineReason(p.declineReason);
        }
        return b.build();
    }

    static PaymentUpdate toUpdate(PaymentEntity p, PaymentEventEntity e) {
        PaymentUpdate.Builder b = PaymentUpdate.newBuilder()
                .setPaymentId(p.id)
                .setOrderId(p.orderId)
                .setUserId(p.userId)
                .setCurrency(p.currency)
                .setState(toProto(e.state))
                .setSequence(e.sequence)
                .setAt(Timestamps.of(e.occurredAt));
        if (e.reason != null) {
            b.setReason(e.reason);
        }
        return b.build();
    }

    static PaymentState toProto(PaymentStage s) {
        return switch (s) {
            case PENDING -> PaymentState.PAYMENT_STATE_PENDING;
            case AUTHORIZED -> PaymentState.PAYMENT_STATE_AUTHORIZED;
            case CAPTURED -> PaymentState.PAYMENT_STATE_CAPTURED;
            case DECLINED -> PaymentState.PAYMENT_STATE_DECLINED;
            case REFUNDED -> PaymentState.PAYMENT_STATE_REFUNDED;
        };
    }
}
