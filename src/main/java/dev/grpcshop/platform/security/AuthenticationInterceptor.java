package dev.grpcshop.platform.security;

import dev.grpcshop.platform.error.ApiError;
import dev.grpcshop.platform.error.GrpcErrors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwt.consumer.InvalidJwtException;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates every call from its {@code authorization: Bearer <JWT>} metadata (SmallRye JWT checks
 * signature, issuer, audience and expiry against mp.jwt.verify.*), authorizes the method by role
 * ({@link AccessPolicy}) and hands the {@link Caller} to the endpoint through the gRPC Context.
 * Refusals are UNAUTHENTICATED / PERMISSION_DENIED with an ErrorInfo reason; the token is never logged.
 */
@GlobalInterceptor
@ApplicationScoped
public class AuthenticationInterceptor implements ServerInterceptor, Prioritized {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";
    private static final Logger LOG = Logger.getLogger(AuthenticationInterceptor.class);
    /** Verified tokens remembered at most; the cache is emptied when full (clients re-send the same token). */
    private static final int MAX_VERIFIED = 4096;

    private record Verified(String authorization, Caller caller, long expiresAtEpochSecond) {
    }

    /**
     * Tokens already verified, until their expiry, by the whole 'authorization' value: the signature check and claim
     * parsing were ~13% of a GetUser call's CPU (JFR), and a client sends the same token on every call of its session.
     * Keyed by the value as received, a known token costs a lookup and no copy of its ~600 characters.
     */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    /**
     * The token verified or looked up last. Most clients send one token on every call, and comparing it with the
     * value received costs less than hashing the value's ~600 characters for the map lookup.
     */
    private volatile Verified last;

    @Inject
    JWTParser parser;
    @Inject
    DevIdentity devIdentity;

    @Inject
    AuthConfig auth;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (AccessPolicy.isOpen(call.getMethodDescriptor().getServiceName(), auth.openReflection())) {
            return next.startCall(call, headers);
        }
        try {
            Caller caller = authenticate(headers.get(AUTHORIZATION));
            AccessPolicy.authorize(method, caller);
            return Contexts.interceptCall(Context.current().withValue(Caller.KEY, caller), call, headers, next);
        } catch (ApiError refused) {
            LOG.debugf("refused %s: %s", method, refused.getMessage());
            return GrpcErrors.refuse(call, refused);
        }
    }

    private Caller authenticate(String authorization) {
        if (authorization == null) {
            return devIdentity.forCallWithoutToken().orElseThrow(() -> ApiError.unauthenticated("MISSING_TOKEN",
                    "this method needs a bearer token in the 'authorization' metadata"));
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw ApiError.unauthenticated("MALFORMED_AUTHORIZATION",
                    "the 'authorization' metadata must be 'Bearer <token>'");
        }
        Verified recent = last;
        Verified known = recent != null && recent.authorization().equals(authorization)
                ? recent
                : verified.get(authorization);
        if (known != null && Instant.now().getEpochSecond() < known.expiresAtEpochSecond()) {
            if (known != recent) {
                last = known;
            }
            return known.caller();
        }
        String token = authorization.substring(BEARER.length()).trim();
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            // the parser's message may quote claims: it is not passed on
            boolean expired = e.getCause() instanceof InvalidJwtException invalid && invalid.hasExpired();
            throw expired
                    ? ApiError.unauthenticated("TOKEN_EXPIRED", "the bearer token has expired")
                    : ApiError.unauthenticated("TOKEN_INVALID",
                            "the bearer token is not valid (signature, issuer, audience or format)");
        }
        if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
            throw ApiError.unauthenticated("TOKEN_INVALID", "the bearer token has no subject");
        }
        Caller caller = new Caller(jwt.getSubject(), Set.copyOf(jwt.getGroups()));
        if (verified.size() >= MAX_VERIFIED) {
            verified.clear();
        }
        Verified fresh = new Verified(authorization, caller, jwt.getExpirationTime());
        verified.put(authorization, fresh);
        last = fresh;
        return caller;
    }

    /** Runs inside the tracing and call-log interceptors, so refusals are traced and logged like any call. */
    @Override
    public int getPriority() {
        return 0;
    }
}
