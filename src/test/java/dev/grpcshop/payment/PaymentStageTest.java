package dev.grpcshop.payment;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The payment state machine on its own (no Quarkus): exactly these moves, and which states are settled. */
class PaymentStageTest {

    @Test
    void theOnlyMovesArePendingAuthorizedCapturedRefundedAndADeclineBeforeCapture() {
        Set<String> moves = new TreeSet<>();
        for (PaymentStage from : PaymentStage.values()) {
            for (PaymentStage to : PaymentStage.values()) {
                if (from.canMoveTo(to)) {
                    moves.add(from + "->" + to);
                }
            }
        }
        assertEquals(Set.of("PENDING->AUTHORIZED", "PENDING->DECLINED", "AUTHORIZED->CAPTURED", "AUTHORIZED->DECLINED",
                "CAPTURED->REFUNDED"), moves);
    }

    @Test
    void onlyCapturedDeclinedAndRefundedAreSettled() {
        Set<PaymentStage> settled = new TreeSet<>();
        for (PaymentStage state : PaymentStage.values()) {
            if (state.isFinal()) {
                settled.add(state);
            }
        }
        assertEquals(Set.of(PaymentStage.CAPTURED, PaymentStage.DECLINED, PaymentStage.REFUNDED), settled);
    }
}
