package dev.grpcshop.order.clients;

import dev.grpcshop.api.notification.v1.Notification;
import dev.grpcshop.api.notification.v1.NotificationService;
import dev.grpcshop.api.notification.v1.SendNotificationRequest;
import dev.grpcshop.platform.grpc.TransientFailure;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * OrderService's calls to NotificationService; each carries its outbox entry's idempotency key. Blocking, like
 * {@link PaymentClient} (see there why).
 */
@ApplicationScoped
public class NotificationClient {

    @GrpcClient("notifications")
    NotificationService notifications;

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = TransientFailure.class)
    @ExponentialBackoff(factor = 2, maxDelay = 1000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2,
            failOn = TransientFailure.class)
    public Notification send(SendNotificationRequest request) {
        return TransientFailure.await(notifications.sendNotification(request));
    }
}
