package dev.grpcshop.platform.error;

import java.util.Currency;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** ISO-4217 currency codes, as the JDK knows them. */
public final class Currencies {

    private static final Pattern CODE = Pattern.compile("[A-Z]{3}");
    private static final Set<String> KNOWN = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());

    private Currencies() {
    }

    /** Adds a violation unless {@code code} is an upper-case ISO-4217 code such as EUR. */
    public static Violations check(Violations violations, String field, String code) {
        if (code == null || !CODE.matcher(code).matches()) {
            return violations.add(field, "must be an ISO-4217 code of three upper-case letters, like EUR");
        }
        return violations.check(KNOWN.contains(code), field, "unknown ISO-4217 currency " + code);
    }
}
