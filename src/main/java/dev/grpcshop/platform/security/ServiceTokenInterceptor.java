package dev.grpcshop.platform.security;

import jakarta.inject.Inject;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Gives every outbound call of this instance (OrderService to User/Payment/NotificationService) a service
 * identity: a short-lived JWT with role {@code service}, signed with smallrye.jwt.sign.key.* and re-minted
 * before it expires. Issuer, audience and lifetime come from smallrye.jwt.new-token.*.
 */
@GlobalInterceptor
@ApplicationScoped
public class ServiceTokenInterceptor implements ClientInterceptor {

    private record Token(String value, Instant renewAt) {
    }

    @Inject
    AuthConfig auth;

    @ConfigProperty(name = "smallrye.jwt.new-token.lifespan")
    long lifespanSeconds;

    private volatile Token token;

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(AuthenticationInterceptor.AUTHORIZATION, "Bearer " + currentToken());
                super.start(listener, headers);
            }
        };
    }

    private String currentToken() {
        Token current = token;
        if (current == null || Instant.now().isAfter(current.renewAt())) {
            // renewed when a third of its life is left, so a token never expires in flight
            current = new Token(Jwt.subject(auth.serviceSubject()).groups(Set.of(Caller.SERVICE)).sign(),
                    Instant.now().plus(Duration.ofSeconds(lifespanSeconds * 2 / 3)));
            token = current;
        }
        return current.value();
    }
}
