package dev.grpcshop.platform.runtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/** The application's own meters that several services share. */
public final class Meters {

    private Meters() {
    }

    /** grpcshop_stream_subscribers{stream}: the response streams of one method open right now. */
    public static AtomicInteger liveStreams(MeterRegistry registry, String stream) {
        AtomicInteger live = new AtomicInteger();
        Gauge.builder("grpcshop.stream.subscribers", live, AtomicInteger::get)
                .description("Response streams open right now, by streaming method")
                .tag("stream", stream).register(registry);
        return live;
    }
}
