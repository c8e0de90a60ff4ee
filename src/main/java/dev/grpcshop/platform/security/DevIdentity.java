package dev.grpcshop.platform.security;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * In {@code quarkus:dev} only: a call without a token acts as the operator {@value #SUBJECT} (role admin), so that the
 * Dev UI's gRPC console (which cannot send metadata) and grpcurl work without minting a token; a call that does carry a
 * token is verified as always. Dev mode also logs a ready-made admin token for clients that send one. A packaged app
 * (production) and the tests never get this identity: the launch mode is fixed when the app is built or started.
 */
@ApplicationScoped
public class DevIdentity {

    static final String SUBJECT = "dev";
    private static final Logger LOG = Logger.getLogger(DevIdentity.class);

    private final Optional<Caller> caller;

    public DevIdentity() {
        this(LaunchMode.current());
    }

    DevIdentity(LaunchMode mode) {
        caller = mode == LaunchMode.DEVELOPMENT ? Optional.of(new Caller(SUBJECT, Set.of(Caller.ADMIN)))
                : Optional.empty();
    }

    /** The identity of a call without a token: present in dev mode only. */
    Optional<Caller> forCallWithoutToken() {
        return caller;
    }

    void announce(@Observes StartupEvent event) {
        if (caller.isEmpty()) {
            return;
        }
        String token = Jwt.claims().subject(SUBJECT).groups(Caller.ADMIN).expiresIn(Duration.ofHours(12)).sign();
        LOG.warnf("DEV MODE: calls without a token act as '%s' (role admin). For calls with a token (12 h):%n"
                + "export ADMIN=\"authorization: Bearer %s\"", SUBJECT, token);
    }
}
