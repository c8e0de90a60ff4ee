package dev.grpcshop.platform.grpc;

import dev.grpcshop.support.GrpcTestSupport;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.context.ApplicationScoped;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With app.grpc.event-loops=2 (tests), new connections are served on two event loops in turn, not on one. */
@QuarkusTest
class GrpcEventLoopsTest {

    /** The threads that started Health/Check calls. */
    @GlobalInterceptor
    @ApplicationScoped
    public static class HealthCheckThreads implements ServerInterceptor {
        static final Set<String> NAMES = ConcurrentHashMap.newKeySet();

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            if (call.getMethodDescriptor().getFullMethodName().equals("grpc.health.v1.Health/Check")) {
                NAMES.add(Thread.currentThread().getName());
            }
            return next.startCall(call, headers);
        }
    }

    @Test
    void newConnectionsAreServedOnTwoEventLoopsInTurn() {
        HealthCheckThreads.NAMES.clear();
        for (int connection = 0; connection < 4; connection++) {
            ManagedChannel channel = GrpcTestSupport.channel();
            try {
                HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
            } finally {
                channel.shutdownNow();
            }
        }
        assertEquals(2, HealthCheckThreads.NAMES.size(), HealthCheckThreads.NAMES.toString());
        assertTrue(HealthCheckThreads.NAMES.stream().allMatch(name -> name.startsWith("vert.x-eventloop-thread-")),
                HealthCheckThreads.NAMES.toString());
    }
}
