package dev.grpcshop.platform.security;

import io.smallrye.config.ConfigMapping;

/** Authentication settings of this app ({@code app.auth.*}); defaults in application.properties. */
@ConfigMapping(prefix = "app.auth")
public interface AuthConfig {

    /** Whether server reflection may be called without a token. */
    boolean openReflection();

    /** The subject of the service tokens OrderService sends to the services it calls. */
    String serviceSubject();
}
