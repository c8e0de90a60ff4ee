package dev.grpcshop.platform.grpc;

import dev.grpcshop.platform.error.ApiError;

import com.google.rpc.ErrorInfo;
import com.google.rpc.Code;
import io.smallrye.mutiny.Multi;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the messages a client stream may send in one call (app.limits.max-stream-messages). Quarkus's
 * Mutiny bridge buffers inbound messages without bound, so a client stream that never ends must be cut
 * off: message max+1 fails the call with RESOURCE_EXHAUSTED. Messages before it were already handled.
 */
public final class ClientStreamLimit {

    private ClientStreamLimit() {
    }

    public static <T> Multi<T> capped(Multi<T> requests, int max) {
        AtomicInteger received = new AtomicInteger();
        return requests.onItem().invoke(request -> {
            if (received.incrementAndGet() > max) {
                throw ApiError.of(Code.RESOURCE_EXHAUSTED, "a call may send at most " + max
                        + " messages on this stream; send the rest in a new call",
                        ErrorInfo.newBuilder().setReason("TOO_MANY_STREAM_MESSAGES").setDomain(ApiError.DOMAIN)
                                .putMetadata("max_messages", Integer.toString(max)).build());
            }
        });
    }
}
