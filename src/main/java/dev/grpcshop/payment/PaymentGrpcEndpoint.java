package dev.grpcshop.payment;

import dev.grpcshop.platform.stream.StreamsConfig;
import dev.grpcshop.api.payment.v1.GetPaymentRequest;
import dev.grpcshop.api.payment.v1.Payment;
import dev.grpcshop.api.payment.v1.PaymentService;
import dev.grpcshop.api.payment.v1.PaymentState;
import dev.grpcshop.api.payment.v1.PaymentUpdate;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.api.payment.v1.RefundPaymentRequest;
import dev.grpcshop.api.payment.v1.StreamPaymentUpdatesRequest;
import dev.grpcshop.platform.grpc.BlockingWork;
import dev.grpcshop.platform.runtime.Meters;
import dev.grpcshop.platform.stream.PacedStream;
import dev.grpcshop.platform.stream.ReplayThenLive;
import dev.grpcshop.platform.error.Violations;
import dev.grpcshop.platform.security.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicInteger;

/** gRPC endpoint of payment.v1.PaymentService. */
@GrpcService
public class PaymentGrpcEndpoint implements PaymentService {

    private final Payments payments;
    private final PaymentLedger ledger;
    private final PaymentFeed feed;
    private final int maxPending;
    private final AtomicInteger liveStreams;

    @Inject
    public PaymentGrpcEndpoint(Payments payments, PaymentLedger ledger, PaymentFeed feed, MeterRegistry registry,
            StreamsConfig streams) {
        this.payments = payments;
        this.ledger = ledger;
        this.feed = feed;
        this.maxPending = streams.maxPending();
        this.liveStreams = Meters.liveStreams(registry, "payment.StreamPaymentUpdates");
    }

    @Override
    public Uni<Payment> processPayment(ProcessPaymentRequest request) {
        return BlockingWork.onWorker(() -> PaymentMapper.toProto(payments.process(request)));
    }

    @Override
    public Uni<Payment> getPayment(GetPaymentRequest request) {
        Caller caller = Caller.current();
        return BlockingWork.onWorker(() -> PaymentMapper.toProto(ownPayment(caller, request.getPaymentId())));
    }

    @Override
    public Uni<Payment> refundPayment(RefundPaymentRequest request) {
        return BlockingWork.onWorker(() -> PaymentMapper.toProto(payments.refund(request.getPaymentId())));
    }

    @Override
    public Multi<PaymentUpdate> streamPaymentUpdates(StreamPaymentUpdatesRequest request) {
        Caller caller = Caller.current();
        switch (request.getTargetCase()) {
            case PAYMENT_ID -> {
                String paymentId = request.getPaymentId();
                requirePaymentId(paymentId); // before the stream starts, not when its replay reads
                return PacedStream.<PaymentUpdate> push(maxPending, liveStreams, out -> ReplayThenLive.wire(out,
                        consumer -> feed.subscribe(u -> {
                            if (u.getPaymentId().equals(paymentId)) {
                                consumer.accept(u);
                            }
                        }),
                        () -> ledger.history(ownPayment(caller, paymentId).id),
                        PaymentUpdate::getSequence,
                        // nothing follows a decline or a refund
                        u -> u.getState() == PaymentState.PAYMENT_STATE_DECLINED
                                || u.getState() == PaymentState.PAYMENT_STATE_REFUNDED));
            }
            case USER_ID -> {
                long userId = request.getUserId();
                new Violations().userId("user_id", userId).throwIfAny();
                caller.requireActsFor(userId);
                return PacedStream.<PaymentUpdate> push(maxPending, liveStreams, out -> out.onTermination(
                        feed.subscribe(u -> {
                            if (u.getUserId() == userId) {
                                out.offer(u);
                            }
                        })));
            }
            default -> {
                new Violations().add("target", "set payment_id or user_id").throwIfAny();
                return Multi.createFrom().empty();
            }
        }
    }

    /** The payment, if the caller may see it: PERMISSION_DENIED for another user's payment. */
    private PaymentEntity ownPayment(Caller caller, String paymentId) {
        requirePaymentId(paymentId);
        PaymentEntity payment = ledger.get(paymentId);
        caller.requireActsFor(payment.userId);
        return payment;
    }

    private static void requirePaymentId(String paymentId) {
        new Violations().key("payment_id", paymentId).throwIfAny();
    }
}
