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
class OrderStageTest {

    @Test
    void onlyAPendingOrderMovesAndOnlyOnASettledPayment() {
        for (OrderStage status : OrderStage.values()) {
            for (PaymentState payment : new PaymentState[] {PaymentState.PAYMENT_STATE_PENDING,
                    PaymentState.PAYMENT_STATE_AUTHORIZED, PaymentState.PAYMENT_STATE_CAPTURED,
                    PaymentState.PAYMENT_STATE_DECLINED, PaymentState.PAYMENT_STATE_REFUNDED}) {
                OrderStage expected = status != OrderStage.PENDING ? status
                        : payment == PaymentState.PAYMENT_STATE_CAPTURED ? OrderStage.CONFIRMED
                        : payment == PaymentState.PAYMENT_STATE_DECLINED ? OrderStage.PAYMENT_FAILED
                        // refunded by an operator before the order recorded the capture: it was never confirmed
                        : payment == PaymentState.PAYMENT_STATE_REFUNDED ? OrderStage.PAYMENT_FAILED
                        : OrderStage.PENDING;
                assertEquals(expected, status.afterPayment(payment), status + " after " + payment);
            }
        }
    }

    @Test
    void onlyAConfirmedOrderCanBeCancelledAndCancellingTwiceChangesNothing() {
        Map<OrderStage, String> refusals = new EnumMap<>(OrderStage.class);
        for (OrderStage status : OrderStage.values()) {
            try {
                assertEquals(OrderStage.CANCELLED, status.cancelled(), status.name());
            } catch (ApiError refused) {
                assertEquals(Status.Code.FAILED_PRECONDITION.value(), refused.status().getCode());
                refusals.put(status, refused.getMessage());
            }
        }
        assertEquals(java.util.Set.of(OrderStage.PENDING, OrderStage.PAYMENT_FAILED), refusals.keySet());
        assertThrows(ApiError.class, OrderStage.PENDING::cancelled);
    }

    @Test
    void onlyCapturedDeclinedAndRefundedPaymentsSettleAnOrder() {
        assertEquals(true, OrderStage.settles(PaymentState.PAYMENT_STATE_CAPTURED));
        assertEquals(true, OrderStage.settles(PaymentState.PAYMENT_STATE_DECLINED));
        assertEquals(true, OrderStage.settles(PaymentState.PAYMENT_STATE_REFUNDED));
        assertEquals(false, OrderStage.settles(PaymentState.PAYMENT_STATE_PENDING));
        assertEquals(false, OrderStage.settles(PaymentState.PAYMENT_STATE_AUTHORIZED));
    }
}
