package dev.grpcshop.order;

import dev.grpcshop.api.common.v1.Money;
import dev.grpcshop.api.order.v1.LineItem;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.platform.grpc.Timestamps;

final class OrderMapper {

    private OrderMapper() {
    }

    static Order toProto(OrderEntity o) {
        Order.Builder b = Order.newBuilder()
                .setId(o.id)
                .setIdempotencyKey(o.idempotencyKey)
                .setUserId(o.userId)
                .setTotal(Money.newBuilder().setAmountMinor(o.totalMinor).setCurrency(o.currency))
                .setStatus(toProto(o.status))
                .setCreatedAt(Timestamps.of(o.createdAt))
                .setUpdatedAt(Timestamps.of(o.updatedAt))
                .setVersion(o.version);
        for (OrderLine line : o.items) {
            b.addItems(LineItem.newBuilder().setSku(line.sku).setQuantity(line.quantity)
                    .setUnitPriceMinor(line.unitPriceMinor));
        }
        if (o.paymentId != null) {
            b.setPaymentId(o.paymentId);
        }
        if (o.failureReason != null) {
            b.setFailureReason(o.failureReason);
        }
        return b.build();
    }

    static OrderStatus toProto(OrderStage s) {
        return switch (s) {
            case PENDING -> OrderStatus.ORDER_STATUS_PENDING;
            case CONFIRMED -> OrderStatus.ORDER_STATUS_CONFIRMED;
            case PAYMENT_FAILED -> OrderStatus.ORDER_STATUS_PAYMENT_FAILED;
            case CANCELLED -> OrderStatus.ORDER_STATUS_CANCELLED;
        };
    }
}
