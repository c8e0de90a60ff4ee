package dev.grpcshop.order;

import dev.grpcshop.api.common.v1.Money;
import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;

import java.math.BigDecimal;
import java.util.Currency;

/** What an order asks of the other services: its charge, and the notifications its user gets, with their text. */
final class OrderMessages {

    private OrderMessages() {
    }

    /** The charge of an order, under the key {@code order:<id>}: one charge per order, however often it is retried. */
    static ProcessPaymentRequest charge(OrderEntity order, String cardToken) {
        return ProcessPaymentRequest.newBuilder()
                .setIdempotencyKey("order:" + order.id)
                .setOrderId(order.id)
                .setUserId(order.userId)
                .setAmount(Money.newBuilder().setAmountMinor(order.totalMinor).setCurrency(order.currency))
                .setCardToken(cardToken)
                .build();
    }

    static SendNotificationRequest confirmed(OrderEntity order) {
        return notification(order, "order.confirmed", "Order confirmed",
                "Your order " + order.id + " of " + amount(order) + " is confirmed.");
    }

    static SendNotificationRequest declined(OrderEntity order, String declineReason) {
        return notification(order, "order.payment_failed", "Payment failed", "The payment for your order " + order.id
                + " of " + amount(order) + " was declined (" + declineReason + ").");
    }

    static SendNotificationRequest failed(OrderEntity order, String reason) {
        return notification(order, "order.payment_failed", "Payment failed",
                "The payment for your order " + order.id + " could not be made (" + reason + ").");
    }

    static SendNotificationRequest cancelled(OrderEntity order) {
        return notification(order, "order.cancelled", "Order cancelled",
                "Your order " + order.id + " is cancelled; " + amount(order) + " will be refunded.");
    }

    /** One notification per order and kind: the key {@code notify:<order id>:<kind>} makes a redelivery harmless. */
    private static SendNotificationRequest notification(OrderEntity order, String kind, String subject, String body) {
        return SendNotificationRequest.newBuilder().setIdempotencyKey("notify:" + order.id + ":" + kind)
                .setUserId(order.userId).setKind(kind).setSubject(subject).setBody(body).build();
    }

    private static String amount(OrderEntity order) {
        int digits = Math.max(0, Currency.getInstance(order.currency).getDefaultFractionDigits());
        return BigDecimal.valueOf(order.totalMinor, digits).toPlainString() + " " + order.currency;
    }
}
