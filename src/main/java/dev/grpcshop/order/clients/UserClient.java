package dev.grpcshop.order.clients;

import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserService;
import dev.grpcshop.api.user.v1.UserStatus;
import dev.grpcshop.platform.error.ApiError;
import dev.grpcshop.platform.grpc.TransientFailure;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;

/** OrderService's view of UserService, over gRPC: may this user place an order? */
@ApplicationScoped
public class UserClient {

    @GrpcClient("users")
    UserService users;

    /**
     * Returns if the user exists and is active; FAILED_PRECONDITION otherwise. Blocking, like the other guarded
     * clients ({@link PaymentClient}): see there why.
     */
    @Retry(maxRetries = 3, delay = 100, jitter = 50, retryOn = TransientFailure.class)
    @ExponentialBackoff(factor = 2, maxDelay = 1000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, successThreshold = 2,
            failOn = TransientFailure.class)
    @Bulkhead(64)
    public void requireActiveUser(long userId) {
        User user = users.getUser(GetUserRequest.newBuilder().setId(userId).build())
                .onFailure().transform(failure -> {
                    Status.Code code = Status.fromThrowable(failure).getCode();
                    if (code == Status.Code.NOT_FOUND || code == Status.Code.INVALID_ARGUMENT) {
                        return ApiError.failedPrecondition("USER_NOT_FOUND", "user " + userId + " does not exist");
                    }
                    return TransientFailure.classify(failure);
                })
                .await().indefinitely();
        if (user.getStatus() != UserStatus.USER_STATUS_ACTIVE) {
            throw ApiError.failedPrecondition("USER_NOT_ACTIVE", "user " + userId + " is not active");
        }
    }
}
