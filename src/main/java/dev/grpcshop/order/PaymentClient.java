package dev.grpcshop.order;

import dev.grpcshop.api.payment.v1.Payment;
import dev.grpcshop.api.payment.v1.PaymentService;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.api.payment.v1.RefundPaymentRequest;
import dev.grpcshop.platform.TransientFailure;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * OrderService's calls to PaymentService. Retries (exponential backoff with jitter) only UNAVAILABLE and
 * DEADLINE_EXCEEDED, which are safe to retry because every charge carries the order's idempotency key;
 * a circuit breaker stops calling a PaymentService that keeps failing. Settings: README, "Fault tolerance".
 */
@ApplicationScoped
public class PaymentClient {

    @GrpcClient("payments")
    PaymentService payments;

    @Retry(maxRetries = 3, delay = 200, jitter = 100, retryOn = TransientFailure.class)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2,
            failOn = TransientFailure.class)
    @Bulkhead(value = 64, waitingTaskQueue = 512)
    public Uni<Payment> charge(ProcessPaymentRequest request) {
        return payments.processPayment(request).onFailure().transform(TransientFailure::classify);
    }

    @Retry(maxRetries = 3, delay = 200, jitter = 100, retryOn = TransientFailure.class)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2,
            failOn = TransientFailure.class)
    public Uni<Payment> refund(String paymentId) {
        return payments.refundPayment(RefundPaymentRequest.newBuilder().setPaymentId(paymentId).build())
                .onFailure().transform(TransientFailure::classify);
    }
}
