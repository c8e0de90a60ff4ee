package dev.grpcshop.user;

import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.platform.error.ApiError;
import dev.grpcshop.platform.error.GrpcErrors;
import dev.grpcshop.platform.grpc.Timestamps;
import dev.grpcshop.platform.security.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Instant;
import java.util.Map;

/**
 * GetUser once more, over REST/JSON on the HTTP port, so the gRPC endpoint can be measured against the
 * REST call the same clients would otherwise make (src/bench). Same data, same rules: a bearer token
 * (verified by SmallRye JWT's HTTP mechanism), and a {@code user} reads only themselves.
 */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserRestResource {

    /** The JSON form of user.v1.User, field for field. */
    public record UserJson(long id, String name, String email, String status, Instant createdAt, Instant updatedAt,
            long version) {
    }

    @Inject
    UserCache cache;

    @Inject
    SecurityIdentity identity;

    @GET
    @Path("/{id}")
    @RolesAllowed({ Caller.USER, Caller.ADMIN, Caller.SERVICE })
    public UserJson get(@PathParam("id") long id) {
        new Caller(identity.getPrincipal().getName(), identity.getRoles()).requireActsFor(id);
        User user = cache.get(id); // the same read path as gRPC GetUser, so the benchmark compares protocols
        return new UserJson(user.getId(), user.getName(), user.getEmail(), UserMapper.toState(user.getStatus(),
                "status", UserState.ACTIVE).name(), Timestamps.toInstant(user.getCreatedAt()),
                Timestamps.toInstant(user.getUpdatedAt()), user.getVersion());
    }

    /** Known failures keep their meaning over HTTP: the gRPC code's usual HTTP status and the message. */
    @ServerExceptionMapper
    public Response failed(ApiError error) {
        return respond(error.status());
    }

    /** A database failure as over gRPC: 503 when the database cannot be reached, else 500. */
    @ServerExceptionMapper
    public Response databaseFailed(PersistenceException failure) {
        return respond(GrpcErrors.toStatus(failure));
    }

    private static Response respond(com.google.rpc.Status status) {
        io.grpc.Status.Code code = io.grpc.Status.fromCodeValue(status.getCode()).getCode();
        int http = switch (code) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE -> 503;
            default -> 500;
        };
        return Response.status(http).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("code", code.name(), "message", status.getMessage()))
                .build();
    }
}
