package dev.grpcshop.platform.security;

import dev.grpcshop.platform.runtime.ServiceRole;
import dev.grpcshop.platform.runtime.ServiceRoles;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

/**
 * Refuses to start without the keys authentication needs, instead of starting and answering
 * UNAUTHENTICATED to everyone. There is no built-in default key: production keys come from the
 * environment (Secrets); dev mode and tests use the documented pair in src/dev/keys.
 */
@ApplicationScoped
class AuthKeysCheck {

    void onStart(@Observes StartupEvent event, Config config, ServiceRoles roles) {
        if (absent(config, "mp.jwt.verify.publickey.location") && absent(config, "mp.jwt.verify.publickey")) {
            throw new IllegalStateException("no key to verify bearer tokens: set JWT_PUBLIC_KEY_LOCATION "
                    + "(mp.jwt.verify.publickey.location) to a PEM public key or JWK set; see docs/security.md");
        }
        if (roles.runs(ServiceRole.ORDER) && absent(config, "smallrye.jwt.sign.key.location")
                && absent(config, "smallrye.jwt.sign.key")) {
            throw new IllegalStateException("OrderService calls other services with a service token and needs "
                    + "a signing key: set JWT_SERVICE_SIGNING_KEY_LOCATION (smallrye.jwt.sign.key.location)");
        }
    }

    private static boolean absent(Config config, String key) {
        return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()).isEmpty();
    }
}
