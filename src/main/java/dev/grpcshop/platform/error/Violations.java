package dev.grpcshop.platform.error;

import com.google.rpc.BadRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects every field violation of a request, so the client learns all of them at once. */
public final class Violations {

    // Deliberately simple: one @, no spaces, a dot in the domain. Full RFC 5322 is not worth it here.
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$");
    public static final int MAX_EMAIL_LENGTH = 254;
    /** Longest id, idempotency key or card token any request may carry. */
    public static final int MAX_KEY_LENGTH = 200;

    private final List<BadRequest.FieldViolation> violations = new ArrayList<>();

    public static BadRequest.FieldViolation violation(String field, String description) {
        return BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build();
    }

    public Violations add(String field, String description) {
        violations.add(violation(field, description));
        return this;
    }

    public Violations check(boolean ok, String field, String description) {
        return ok ? this : add(field, description);
    }

    /**
     * Non-blank, and at most maxLength characters as sent, spaces around it included: most values are stored and
     * passed on as sent, so a padded one over the limit would not fit its column.
     */
    public Violations text(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return add(field, "must not be empty");
        }
        return check(value.length() <= maxLength, field, "must be at most " + maxLength + " characters");
    }

    /** A user id: positive. */
    public Violations userId(String field, long value) {
        return check(value > 0, field, "must be a positive user id");
    }

    /** An id, idempotency key or card token: non-blank and at most {@value #MAX_KEY_LENGTH} characters. */
    public Violations key(String field, String value) {
        return text(field, value, MAX_KEY_LENGTH);
    }

    public Violations email(String field, String value) {
        if (value == null || value.isBlank()) {
            return add(field, "must not be empty");
        }
        String email = value.strip();
        if (email.length() > MAX_EMAIL_LENGTH) {
            return add(field, "must be at most " + MAX_EMAIL_LENGTH + " characters");
        }
        return check(EMAIL.matcher(email).matches(), field, "must be an email address like name@example.com");
    }

    /** Throws INVALID_ARGUMENT with a google.rpc.BadRequest listing every violation, if there is any. */
    public void throwIfAny() {
        if (!violations.isEmpty()) {
            throw ApiError.invalidArgument(List.copyOf(violations));
        }
    }
}
