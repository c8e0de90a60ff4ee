package dev.grpcshop.tools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Mints a bearer token for local calls, signed with the dev key pair (JDK only, no build needed):
 *
 *   java src/dev/MintToken.java --sub 1 --roles user
 *   grpcurl -plaintext -H "authorization: Bearer $(java src/dev/MintToken.java --roles admin)" localhost:9000 ...
 *
 * Options (defaults): --sub (1) --roles (user; comma-separated: user, admin, service) --ttl seconds (3600)
 * --key (src/dev/keys/dev-private.pem) --iss (https://auth.grpcshop.dev) --aud (grpcshop).
 * Only for dev mode and tests: production tokens come from your identity provider.
 */
public class MintToken {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--sub", "1", "--roles", "user", "--ttl", "3600",
                "--key", "src/dev/keys/dev-private.pem", "--iss", "https://auth.grpcshop.dev", "--aud", "grpcshop"));
        for (int i = 0; i < args.length; i += 2) {
            if (!options.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("usage: java src/dev/MintToken.java " + options.keySet().stream()
                        .map(k -> "[" + k + " " + options.get(k) + "]").collect(Collectors.joining(" ")));
                System.exit(2);
            }
            options.put(args[i], args[i + 1]);
        }
        for (String key : new String[] { "--sub", "--roles", "--iss", "--aud" }) {
            if (!options.get(key).matches("[A-Za-z0-9._:/,@-]+")) { // keeps the JSON below free of escaping
                throw new IllegalArgumentException(key + " has characters outside [A-Za-z0-9._:/,@-]");
            }
        }
        System.out.println(mint(options.get("--sub"), List.of(options.get("--roles").split(",")),
                Long.parseLong(options.get("--ttl")), Path.of(options.get("--key")), options.get("--iss"),
                options.get("--aud")));
    }

    /** A signed RS256 JWT; also used by the benchmarks (src/bench) to call the app. */
    public static String mint(String subject, List<String> roles, long ttlSeconds, Path privateKeyPem, String issuer,
            String audience) throws Exception {
        long now = Instant.now().getEpochSecond();
        String groups = roles.stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(","));
        String claims = String.format("{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"%s\",\"groups\":[%s],"
                + "\"iat\":%d,\"exp\":%d,\"jti\":\"%s\"}", issuer, audience, subject, groups, now, now + ttlSeconds,
                UUID.randomUUID());
        String signingInput = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + base64Url(claims);
        String pem = Files.readString(privateKeyPem);
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)));
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
