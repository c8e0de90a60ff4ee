package dev.grpcshop.payment;

import com.google.rpc.ErrorInfo;
import dev.grpcshop.api.common.v1.Money;
import dev.grpcshop.api.payment.v1.GetPaymentRequest;
import dev.grpcshop.api.payment.v1.Payment;
import dev.grpcshop.api.payment.v1.PaymentState;
import dev.grpcshop.api.payment.v1.PaymentUpdate;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.api.payment.v1.RefundPaymentRequest;
import dev.grpcshop.api.payment.v1.StreamPaymentUpdatesRequest;
import dev.grpcshop.support.Shop;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.grpcshop.support.GrpcTestSupport.assertFails;
import static dev.grpcshop.support.GrpcTestSupport.detail;
import static dev.grpcshop.support.GrpcTestSupport.fieldViolations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentServiceTest {

    Shop shop;
    @jakarta.inject.Inject
    PaymentLedger ledger;

    @BeforeAll
    void connect() {
        shop = Shop.connect();
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        shop.close();
    }

    static ProcessPaymentRequest charge(String card) {
        return ProcessPaymentRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                .setOrderId("order-" + UUID.randomUUID()).setUserId(42)
                .setAmount(Money.newBuilder().setAmountMinor(1999).setCurrency("USD")).setCardToken(card).build();
    }

    @Test
    void sameKeySameRequestReturnsTheFirstPaymentAndADifferentRequestIsRefused() {
        ProcessPaymentRequest request = charge("tok_visa");
        Payment first = shop.payments.processPayment(request);
        assertEquals(PaymentState.PAYMENT_STATE_CAPTURED, first.getState());
        assertEquals(first, shop.payments.processPayment(request));

        ProcessPaymentRequest moreMoney = request.toBuilder()
                .setAmount(request.getAmount().toBuilder().setAmountMinor(5000)).build();
        var status = assertFails(Status.Code.ALREADY_EXISTS, () -> shop.payments.processPayment(moreMoney));
        assertEquals("IDEMPOTENCY_KEY_REUSED", detail(status, ErrorInfo.class).getReason());
        assertEquals(first, shop.payments.getPayment(GetPaymentRequest.newBuilder().setPaymentId(first.getId()).build()));
    }

    @Test
    void aChargeLeftPendingByACrashIsFinishedOnceAfterResumeAfterAndForgetsItsCard() {
        // What a process that died right after storing the payment leaves behind: the PENDING row, no processor call.
        ProcessPaymentRequest request = charge("tok_visa");
        PaymentEntity stored = ledger.findOrOpen(request.getIdempotencyKey(), dev.grpcshop.platform.grpc.Hashing.fingerprint(
                request), request.getOrderId(), request.getUserId(), request.getAmount().getAmountMinor(),
                request.getAmount().getCurrency(), request.getCardToken()).payment();
        // within app.payments.resume-after the charge may still be under way elsewhere: a retry leaves it alone
        assertEquals(PaymentState.PAYMENT_STATE_PENDING, shop.payments.processPayment(request).getState());

        // then a retry (or the sweep, whichever comes first) takes it over and finishes it
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> shop.payments.processPayment(request).getState() == PaymentState.PAYMENT_STATE_CAPTURED);

        List<PaymentUpdate> history = ledger.history(stored.id);
        assertEquals(List.of(PaymentState.PAYMENT_STATE_PENDING, PaymentState.PAYMENT_STATE_AUTHORIZED,
                PaymentState.PAYMENT_STATE_CAPTURED), history.stream().map(PaymentUpdate::getState).toList());
        assertEquals(List.of(1, 2, 3), history.stream().map(PaymentUpdate::getSequence).toList());
        assertEquals(null, ledger.get(stored.id).cardToken, "a settled payment keeps no card token");
        assertEquals(1, ledger.countForOrder(request.getOrderId()));
    }

    @Test
    void invalidChargeIsInvalidArgumentWithEveryFieldNamed() {
        ProcessPaymentRequest bad = ProcessPaymentRequest.newBuilder().setIdempotencyKey(" ")
                .setAmount(Money.newBuilder().setAmountMinor(-1).setCurrency("usd")).build();
        var violations = fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.payments.processPayment(bad)));
        for (String field : List.of("idempotency_key", "order_id", "card_token", "user_id", "amount.amount_minor",
                "amount.currency")) {
            assertTrue(violations.containsKey(field), field + " in " + violations);
        }
        ProcessPaymentRequest noAmount = charge("tok_visa").toBuilder().clearAmount().build();
        assertEquals("is required", fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT,
                () -> shop.payments.processPayment(noAmount))).get("amount"));
    }

    @Test
    void valuesPaddedWithSpacesPastTheirLimitAreInvalidArgumentAndNothingIsCharged() {
        // stored as sent, so the limit counts the padding too: padded past it, the row could not be written
        ProcessPaymentRequest padded = charge("tok_visa" + " ".repeat(250)).toBuilder()
                .setOrderId("order-" + UUID.randomUUID() + " ".repeat(200)).build();
        var violations = fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT,
                () -> shop.payments.processPayment(padded)));
        assertEquals("must be at most 200 characters", violations.get("card_token"));
        assertEquals("must be at most 200 characters", violations.get("order_id"));
        assertTrue(ledger.findByKey(padded.getIdempotencyKey()).isEmpty());
    }

    @Test
    void refundMovesACapturedPaymentToRefundedOnceAndRefusesADeclinedOne() {
        Payment captured = shop.payments.processPayment(charge("tok_visa"));
        RefundPaymentRequest refund = RefundPaymentRequest.newBuilder().setPaymentId(captured.getId()).build();
        assertEquals(PaymentState.PAYMENT_STATE_REFUNDED, shop.payments.refundPayment(refund).getState());
        assertEquals(PaymentState.PAYMENT_STATE_REFUNDED, shop.payments.refundPayment(refund).getState(),
                "a second refund changes nothing");

        Payment declined = shop.payments.processPayment(charge("tok_decline"));
        var status = assertFails(Status.Code.FAILED_PRECONDITION, () -> shop.payments.refundPayment(
                RefundPaymentRequest.newBuilder().setPaymentId(declined.getId()).build()));
        assertEquals("PAYMENT_NOT_CAPTURED", detail(status, ErrorInfo.class).getReason());
        assertFails(Status.Code.NOT_FOUND, () -> shop.payments.refundPayment(
                RefundPaymentRequest.newBuilder().setPaymentId("no-such-payment").build()));
    }

    @Test
    void refundWithoutOrWithAnOverlongPaymentIdIsInvalidAndRefundsNothing() {
        Payment captured = shop.payments.processPayment(charge("tok_visa"));
        assertEquals("must not be empty", fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT,
                () -> shop.payments.refundPayment(RefundPaymentRequest.getDefaultInstance()))).get("payment_id"));
        String overlong = captured.getId() + "x".repeat(200);
        assertEquals("must be at most 200 characters", fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT,
                () -> shop.payments.refundPayment(RefundPaymentRequest.newBuilder().setPaymentId(overlong).build())))
                .get("payment_id"));
        assertEquals(PaymentState.PAYMENT_STATE_CAPTURED, shop.payments.getPayment(
                GetPaymentRequest.newBuilder().setPaymentId(captured.getId()).build()).getState());
    }

    @Test
    void streamOfOnePaymentReplaysItsHistoryAndEndsAfterTheRefund() {
        Payment captured = shop.payments.processPayment(charge("tok_visa"));
        shop.payments.refundPayment(RefundPaymentRequest.newBuilder().setPaymentId(captured.getId()).build());
        List<PaymentUpdate> updates = new ArrayList<>();
        shop.payments.withDeadlineAfter(5, TimeUnit.SECONDS).streamPaymentUpdates(
                StreamPaymentUpdatesRequest.newBuilder().setPaymentId(captured.getId()).build())
                .forEachRemaining(updates::add);
        assertEquals(List.of(PaymentState.PAYMENT_STATE_PENDING, PaymentState.PAYMENT_STATE_AUTHORIZED,
                PaymentState.PAYMENT_STATE_CAPTURED, PaymentState.PAYMENT_STATE_REFUNDED),
                updates.stream().map(PaymentUpdate::getState).toList());
        assertEquals(List.of(1, 2, 3, 4), updates.stream().map(PaymentUpdate::getSequence).toList());
    }

    @Test
    void streamWithoutTargetOrOfAnUnknownPaymentFails() {
        assertTrue(fieldViolations(assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.payments
                .streamPaymentUpdates(StreamPaymentUpdatesRequest.getDefaultInstance()).hasNext()))
                .containsKey("target"));
        assertFails(Status.Code.NOT_FOUND, () -> shop.payments.withDeadlineAfter(5, TimeUnit.SECONDS)
                .streamPaymentUpdates(StreamPaymentUpdatesRequest.newBuilder().setPaymentId("nope").build()).hasNext());
        assertFails(Status.Code.INVALID_ARGUMENT, () -> shop.payments.streamPaymentUpdates(
                StreamPaymentUpdatesRequest.newBuilder().setUserId(-3).build()).hasNext());
    }
}
