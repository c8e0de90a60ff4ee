package dev.grpcshop.bench;

import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;

/**
 * Netty logs through java.util.logging (INFO) in the benchmark's own JVMs, as in a plain grpc-java application.
 * The bench classpath holds the app's SLF4J binding (JBoss LogManager), which, unconfigured outside Quarkus, has
 * DEBUG on: grpc-java's HTTP/2 frame logger would then format every frame, about a quarter of a server's CPU.
 */
final class PlainLogging {

    private PlainLogging() {
    }

    /** Call first in main, before any Netty class asks for its logger. */
    static void install() {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    }
}
