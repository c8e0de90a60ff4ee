package dev.grpcshop.support;

import io.grpc.CallOptions;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in network hop for tests: a real gRPC server on its own port that forwards every unary call,
 * as opaque bytes, to the application under test, and counts the calls per method. Stopping it makes the
 * service behind it unreachable from the app's clients; starting it again brings it back.
 */
public final class GrpcForwarder implements AutoCloseable {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = GrpcTestSupport.RAW_BYTES;

    public final int port;
    private final ManagedChannel target = GrpcTestSupport.channel();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger failuresToInject = new AtomicInteger();
    private Server server;

    public GrpcForwarder(int port) {
        this.port = port;
    }

    public synchronized GrpcForwarder start() {
        if (server == null) {
            try {
                server = NettyServerBuilder.forAddress(new InetSocketAddress("localhost", port))
                        .fallbackHandlerRegistry(new Forwarding()).build().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    public synchronized void stop() throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server = null;
        }
    }

    /** The next {@code n} calls are answered UNAVAILABLE (as by an instance going away) instead of forwarded. */
    public void failNext(int n) {
        failuresToInject.set(n);
    }

    /** Calls forwarded so far to {@code fullMethodName}, e.g. payment.v1.PaymentService/ProcessPayment. */
    public int calls(String fullMethodName) {
        return calls.computeIfAbsent(fullMethodName, k -> new AtomicInteger()).get();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        target.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Forwarding extends HandlerRegistry {
        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            MethodDescriptor<byte[], byte[]> method = MethodDescriptor.newBuilder(BYTES, BYTES)
                    .setFullMethodName(methodName).setType(MethodDescriptor.MethodType.UNARY).build();
            return ServerMethodDefinition.create(method, ServerCalls.asyncUnaryCall((request, response) -> {
                if (failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    response.onError(Status.UNAVAILABLE.withDescription("injected by the test").asRuntimeException());
                    return;
                }
                calls.computeIfAbsent(methodName, k -> new AtomicInteger()).incrementAndGet();
                // runs in the incoming call's context: its deadline and cancellation go along
                ClientCalls.asyncUnaryCall(target.newCall(method, CallOptions.DEFAULT), request, response);
            }));
        }
    }
}
