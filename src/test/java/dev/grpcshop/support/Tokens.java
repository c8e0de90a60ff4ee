package dev.grpcshop.support;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.AbstractStub;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/** Bearer tokens for tests, signed with the documented dev key pair (src/dev/keys), as a real issuer would. */
public final class Tokens {

    public static final String ISSUER = "https://auth.grpcshop.dev";
    public static final String AUDIENCE = "grpcshop";
    public static final Path DEV_PRIVATE_KEY = Path.of("src/dev/keys/dev-private.pem");
    public static final Path DEV_PUBLIC_KEY = Path.of("src/dev/keys/dev-public.pem");

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private Tokens() {
    }

    /** Valid claims for {@code subject} with {@code roles}, ten minutes to live; tests alter them to break one. */
    public static JwtClaimsBuilder claims(String subject, String... roles) {
        return Jwt.claims().subject(subject).groups(Set.of(roles)).issuer(ISSUER).audience(AUDIENCE)
                .expiresIn(Duration.ofMinutes(10));
    }

    public static String sign(JwtClaimsBuilder claims) {
        return claims.sign(devPrivateKey());
    }

    public static String admin() {
        return sign(claims("ops-1", "admin"));
    }

    public static String user(long userId) {
        return sign(claims(Long.toString(userId), "user"));
    }

    public static String service() {
        return sign(claims("grpcshop-order", "service"));
    }

    /** The stub, calling with {@code token} instead of the channel's default admin token. */
    public static <S extends AbstractStub<S>> S as(String token, S stub) {
        return stub.withInterceptors(bearer(token, true));
    }

    /** Adds {@code authorization: Bearer <token>}; with {@code replace=false} only if the call has none yet. */
    public static ClientInterceptor bearer(String token, boolean replace) {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                    Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        if (replace || !headers.containsKey(AUTHORIZATION)) {
                            headers.discardAll(AUTHORIZATION);
                            headers.put(AUTHORIZATION, "Bearer " + token);
                        }
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    public static PrivateKey devPrivateKey() {
        return readPrivateKey(DEV_PRIVATE_KEY);
    }

    public static PrivateKey readPrivateKey(Path pem) {
        try {
            String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
