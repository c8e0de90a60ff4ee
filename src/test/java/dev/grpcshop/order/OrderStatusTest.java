package dev.grpcshop.order;

import dev.grpcshop.api.payment.v1.PaymentState;
import dev.grpcshop.platform.error.ApiError;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The order state machine on its own (no Quarkus): every status against every payment outcome and a cancel. */
class OrderStatusTest {

    @Test
    void onlyAPendingOrderMovesAndOnlyOnASettledPayment() {
        for (OrderStatus status : OrderStatus.values()) {
            for (PaymentState payment : new PaymentState[] {PaymentState.PAYMENT_STATE_PENDING,
                    PaymentState.PAYMENT_STATE_AUTHORIZED, PaymentState.PAYMENT_STATE_CAPTURED,
                    PaymentState.PAYMENT_STATE_DECLINED, PaymentState.PAYMENT_STATE_REFUNDED}) {
                OrderStatus expected = status != OrderStatus.PENDING ? status
                        : payment == PaymentState.PAYMENT_STATE_CAPTURED ? OrderStatus.CONFIRMED
                        : payment == PaymentState.PAYMENT_STATE_DECLINED ? OrderStatus.PAYMENT_FAILED
                        : OrderStatus.PENDING;
                assertEquals(expected, status.afterPayment(payment), status + " after " + payment);
            }
        }
    }

    @Test
    void onlyAConfirmedOrderCanBeCancelledAndCancellingTwiceChangesNothing() {
        Map<OrderStatus, String> refusals = new EnumMap<>(OrderStatus.class);
        for (OrderStatus status : OrderStatus.values()) {
            try {
                assertEquals(OrderStatus.CANCELLED, status.cancelled(), status.name());
            } catch (ApiError refused) {
                assertEquals(Status.Code.FAILED_PRECONDITION.value(), refused.status().getCode());
                refusals.put(status, refused.getMessage());
            }
        }
        assertEquals(java.util.Set.of(OrderStatus.PENDING, OrderStatus.PAYMENT_FAILED), refusals.keySet());
        assertThrows(ApiError.class, OrderStatus.PENDING::cancelled);
    }

    @Test
    void onlyCapturedAndDeclinedPaymentsSettleAnOrder() {
        assertEquals(true, OrderStatus.settles(PaymentState.PAYMENT_STATE_CAPTURED));
        assertEquals(true, OrderStatus.settles(PaymentState.PAYMENT_STATE_DECLINED));
        assertEquals(false, OrderStatus.settles(PaymentState.PAYMENT_STATE_PENDING));
        assertEquals(false, OrderStatus.settles(PaymentState.PAYMENT_STATE_AUTHORIZED));
    }
}
