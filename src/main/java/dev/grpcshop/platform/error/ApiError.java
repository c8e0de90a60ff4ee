package dev.grpcshop.platform.error;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;
import com.google.rpc.Status;

import java.util.List;

/**
 * A failure the code knows about, already expressed as the google.rpc.Status the client will see:
 * standard code, a message safe to show, and typed details. Thrown by domain code; turned into the
 * wire status in one place ({@link GrpcErrors}).
 */
public final class ApiError extends RuntimeException {

    public static final String DOMAIN = "grpcshop.dev";

    static final int MAX_REPORTED_VIOLATIONS = 10;

    private final transient Status status;

    private ApiError(Status status) {
        super(status.getMessage(), null, false, false); // no stack trace: this is an expected outcome
        this.status = status;
    }

    public Status status() {
        return status;
    }

    public static ApiError of(Code code, String message, Message... details) {
        Status.Builder status = Status.newBuilder().setCode(code.getNumber()).setMessage(message);
        for (Message detail : details) {
            status.addDetails(Any.pack(detail));
        }
        return new ApiError(status.build());
    }

    /**
     * The first {@value #MAX_REPORTED_VIOLATIONS} violations: status and details travel in HTTP/2 trailers,
     * which clients cap (8 KiB by default), so a request with thousands of bad fields must still get an answer.
     */
    public static ApiError invalidArgument(List<BadRequest.FieldViolation> violations) {
        List<BadRequest.FieldViolation> reported = violations.subList(0,
                Math.min(violations.size(), MAX_REPORTED_VIOLATIONS));
        StringBuilder message = new StringBuilder("invalid request:");
        for (BadRequest.FieldViolation v : reported) {
            message.append(' ').append(v.getField()).append(" (").append(v.getDescription()).append(");");
        }
        if (reported.size() < violations.size()) {
            message.append(" and ").append(violations.size() - reported.size()).append(" more");
        }
        return of(Code.INVALID_ARGUMENT, message.toString(),
                BadRequest.newBuilder().addAllFieldViolations(reported).build());
    }

    public static ApiError invalidArgument(String field, String description) {
        return invalidArgument(List.of(Violations.violation(field, description)));
    }

    public static ApiError notFound(String resourceType, Object id) {
        return of(Code.NOT_FOUND, resourceType + " " + id + " not found",
                ResourceInfo.newBuilder().setResourceType(resourceType).setResourceName(String.valueOf(id))
                        .setDescription("no such " + resourceType).build());
    }

    public static ApiError alreadyExists(String resourceType, String field, String value, String reason) {
        return of(Code.ALREADY_EXISTS, resourceType + " with this " + field + " already exists",
                ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).putMetadata(field, value).build(),
                ResourceInfo.newBuilder().setResourceType(resourceType).setResourceName(value).build());
    }

    public static ApiError failedPrecondition(String reason, String message) {
        return withReason(Code.FAILED_PRECONDITION, reason, message);
    }

    /** No valid credentials: the caller must (re)authenticate. The message never repeats the token. */
    public static ApiError unauthenticated(String reason, String message) {
        return withReason(Code.UNAUTHENTICATED, reason, message);
    }

    /** Valid credentials, but not for this method or this data. */
    public static ApiError permissionDenied(String reason, String message) {
        return withReason(Code.PERMISSION_DENIED, reason, message);
    }

    public static ApiError resourceExhausted(String reason, String message) {
        return withReason(Code.RESOURCE_EXHAUSTED, reason, message);
    }

    /** The status with an ErrorInfo naming the machine-readable reason in this API's domain. */
    public static ApiError withReason(Code code, String reason, String message) {
        return of(code, message, ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build());
    }
}
