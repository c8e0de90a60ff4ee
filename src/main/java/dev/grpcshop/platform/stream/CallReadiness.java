package dev.grpcshop.platform.stream;

import io.grpc.Context;
import io.grpc.ServerCall;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The transport's flow-control state of the current server call. Quarkus's Mutiny bridge requests
 * every item of a response Multi at once, so a stream that wants to honour the client's flow control
 * asks this object whether the call can take more and waits for {@link #onReady} before producing more.
 */
public final class CallReadiness {

    static final Context.Key<CallReadiness> KEY = Context.key("grpcshop.call-readiness");

    private final ServerCall<?, ?> call;
    private final List<Runnable> readyListeners = new CopyOnWriteArrayList<>();

    CallReadiness(ServerCall<?, ?> call) {
        this.call = call;
    }

    /** The readiness of the call being served on this thread; set by {@link CallReadinessInterceptor}. */
    public static CallReadiness current() {
        CallReadiness readiness = KEY.get();
        if (readiness == null) {
            throw new IllegalStateException("no gRPC server call on this thread (CallReadinessInterceptor missing?)");
        }
        return readiness;
    }

    public boolean isReady() {
        return call.isReady();
    }

    /** Runs the listener each time the transport can take more messages after having been full. */
    public void onReady(Runnable listener) {
        readyListeners.add(listener);
    }

    void signalReady() {
        readyListeners.forEach(Runnable::run);
    }
}
