package dev.grpcshop.order.clients;

import dev.grpcshop.api.payment.v1.Payment;
import dev.grpcshop.api.payment.v1.PaymentService;
import dev.grpcshop.api.payment.v1.ProcessPaymentRequest;
import dev.grpcshop.api.payment.v1.RefundPaymentRequest;
import dev.grpcshop.platform.grpc.TransientFailure;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * OrderService's calls to PaymentService. Retries (exponential backoff with jitter) only UNAVAILABLE and
 * DEADLINE_EXCEEDED, which are safe to retry because every charge carries the order's idempotency key;
 * a circuit breaker stops calling a PaymentService that keeps failing. Settings: docs/architecture.md, "Production behaviour".
 * <p>
 * The guarded methods block until the answer (their callers are worker threads anyway): SmallRye Fault Tolerance
 * runs a synchronous method on the caller's thread, while for a Uni-returning one called on a Quarkus worker it
 * hands the call, and then its answer, to further worker threads, two extra thread wake-ups per call.
 */
@ApplicationScoped
public class PaymentClient {

    @GrpcClient("payments")
    PaymentService payments;

    @Retry(maxRetries = 3, delay = 200, jitter = 100, retryOn = TransientFailure.class)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2,
            failOn = TransientFailure.class)
    @Bulkhead(64)
    public Payment charge(ProcessPaymentRequest request) {
        return TransientFailure.await(payments.processPayment(request));
    }

    @Retry(maxRetries = 3, delay = 200, jitter = 100, retryOn = TransientFailure.class)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2,
            failOn = TransientFailure.class)
    public Payment refund(String paymentId) {
        return TransientFailure.await(payments.refundPayment(RefundPaymentRequest.newBuilder().setPaymentId(paymentId)
                .build()));
    }
}
