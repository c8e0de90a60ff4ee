package dev.grpcshop.platform.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class BlockingWorkTest {

    private static final Context.Key<String> CALLER = Context.key("test.caller");
    private static final ContextKey<String> TRACE = ContextKey.named("test.trace");

    @Test
    void theWorkRunsOnAnotherThreadWithTheCallsDeadlineCallerAndTraceAttached() {
        Deadline deadline = Deadline.after(5, TimeUnit.SECONDS);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Context.CancellableContext call = Context.current().withValue(CALLER, "alice").withDeadline(deadline, timer);
        Thread caller = Thread.currentThread();
        List<Object> seen;
        Context previous = call.attach();
        try (Scope ignored = io.opentelemetry.context.Context.current().with(TRACE, "trace-1").makeCurrent()) {
            var work = BlockingWork.onWorker(() -> Arrays.<Object> asList(Thread.currentThread(), CALLER.get(),
                    Context.current().getDeadline(), String.valueOf(io.opentelemetry.context.Context.current().get(TRACE))));
            seen = work.await().atMost(Duration.ofSeconds(5));
        } finally {
            call.detach(previous);
            call.cancel(null);
            timer.shutdown();
        }
        assertNotEquals(caller, seen.get(0), "the blocking work leaves the calling (event-loop) thread");
        assertEquals("alice", seen.get(1), "the caller stored in the call's gRPC Context is there");
        assertSame(deadline, seen.get(2), "outbound calls made by the work inherit the call's deadline");
        assertEquals("trace-1", seen.get(3), "spans started by the work join the call's trace");
    }
}
