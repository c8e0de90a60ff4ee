package dev.grpcshop.support;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A real gRPC client channel to the app under test, and decoding of rich error details. */
public final class GrpcTestSupport {

    /** Messages as opaque bytes: forwards calls unparsed, or sends bytes that are not a valid message. */
    public static final MethodDescriptor.Marshaller<byte[]> RAW_BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private GrpcTestSupport() {
    }

    /** An observer that completes {@code done} with the first message, the error, or null at the end. */
    public static <T> io.grpc.stub.StreamObserver<T> firstMessage(java.util.concurrent.CompletableFuture<? super T> done) {
        return new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(T value) {
                done.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
    }

    public static int grpcPort() {
        return ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
    }

    /** A channel whose calls carry an admin token unless a stub sets another ({@link Tokens#as}). */
    public static ManagedChannel channel() {
        return channel(grpcPort());
    }

    public static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("localhost", port).usePlaintext()
                .intercept(Tokens.bearer(Tokens.admin(), false)).build();
    }

    /** A channel whose calls carry no token at all. */
    public static ManagedChannel anonymousChannel() {
        return NettyChannelBuilder.forAddress("localhost", grpcPort()).usePlaintext().build();
    }

    /** A channel with a small HTTP/2 window, so the client's flow control really holds the server back. */
    public static ManagedChannel channelWithWindow(int bytes) {
        return NettyChannelBuilder.forAddress("localhost", grpcPort()).usePlaintext().flowControlWindow(bytes)
                .intercept(Tokens.bearer(Tokens.admin(), false)).build();
    }

    public static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Runs the call, asserts it fails with {@code code}, and returns the rich status. */
    public static com.google.rpc.Status assertFails(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), () -> "status was " + e.getStatus());
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertNotNull(status, "the status carries google.rpc.Status details");
        return status;
    }

    public static <T extends com.google.protobuf.Message> T detail(com.google.rpc.Status status, Class<T> type) {
        for (Any any : status.getDetailsList()) {
            if (any.is(type)) {
                try {
                    return any.unpack(type);
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + status);
    }

    /** The BadRequest field violations of a status, by field name. */
    public static Map<String, String> fieldViolations(com.google.rpc.Status status) {
        return detail(status, BadRequest.class).getFieldViolationsList().stream()
                .collect(Collectors.toMap(BadRequest.FieldViolation::getField,
                        BadRequest.FieldViolation::getDescription, (a, b) -> a + "; " + b));
    }
}
