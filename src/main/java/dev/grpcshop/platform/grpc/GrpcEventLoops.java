package dev.grpcshop.platform.grpc;

import io.quarkus.grpc.runtime.GrpcServerRecorder;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.VertxServer;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Serves gRPC connections on {@code app.grpc.event-loops} Vert.x event loops. Quarkus runs its gRPC server on one
 * event loop, and under load that one thread is the limit while other cores idle; its own
 * {@code quarkus.grpc.server.instances} > 1 fails to start at random on 3.33.2 (quarkusio/quarkus#54810: every
 * instance registers the port, and a second registration throws). Vert.x shares a gRPC server between servers on
 * the same host and port: one started on another event loop does not bind again, it adds its loop to those the
 * listening server hands new connections to, round-robin. So once Quarkus's server listens, this starts one such
 * server per extra loop; their calls run through Quarkus's server, with its services and interceptors.
 */
@ApplicationScoped
public class GrpcEventLoops {

    private static final Logger LOG = Logger.getLogger(GrpcEventLoops.class);
    /** Longest wait at shutdown for Quarkus's gRPC server to stop (SIGTERM's grace period is 40 s). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    @Inject
    Vertx vertx;

    /** 0: one per core the JVM sees. */
    @ConfigProperty(name = "app.grpc.event-loops")
    int eventLoops;

    @Inject
    GrpcServerAddress address;

    private volatile VertxServer joined;

    /** Quarkus's gRPC server listens before StartupEvent (a server that started first would bind the port itself). */
    void join(@Observes StartupEvent event) throws InterruptedException {
        int loops = eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
        int listening = address.port();
        // dev mode restarts Quarkus's server at each reload; port 0 gives every server a port of its own; and a
        // server started while Quarkus's is not listening (it failed to start) would bind the port with no services
        if (loops < 2 || LaunchMode.current() == LaunchMode.DEVELOPMENT || listening == 0
                || GrpcServerRecorder.getVerticleCount() == 0) {
            return;
        }
        try {
            joinOn(loops - 1, listening);
            LOG.infof("gRPC connections served on %d event loops", loops);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.warnf("gRPC event loops beyond Quarkus's one did not start: %s", cause);
        }
    }

    private void joinOn(int extraLoops, int listening) throws ExecutionException, TimeoutException,
            InterruptedException {
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                VertxServer server = VertxServerBuilder.forAddress(vertx, address.host(), listening).build();
                server.start(result -> {
                    if (result.succeeded()) {
                        joined = server;
                    }
                    started.handle(result);
                });
            }
        }, new DeploymentOptions().setInstances(extraLoops)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    /**
     * Shuts the shared server down (gracefully, as Quarkus's own stop does) once Quarkus's gRPC server has stopped.
     * The shared server stops only when its last sharer does, and Quarkus stops its own after it has closed this
     * app's gRPC clients (their load balancer logs an ERROR for a server going away under them); the joined loops
     * would stop only with Vert.x, keeping the port open while the app closes its database. Quarkus gives no event
     * for that stop, so a thread watches its server count.
     */
    void stop(@Observes ShutdownEvent event) {
        VertxServer server = joined;
        if (server == null) {
            return;
        }
        Thread watcher = new Thread(() -> {
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            while (GrpcServerRecorder.getVerticleCount() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            server.getRawServer().shutdown();
            LOG.debugf("shared gRPC server shut down; Quarkus's servers left: %d",
                    GrpcServerRecorder.getVerticleCount());
        }, "grpc-event-loops-stop");
        watcher.setDaemon(true);
        watcher.start();
    }
}
