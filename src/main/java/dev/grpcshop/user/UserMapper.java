package dev.grpcshop.user;

import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.api.user.v1.UserStatus;
import dev.grpcshop.platform.error.ApiError;
import dev.grpcshop.platform.grpc.Timestamps;


/** Maps between the stored user and its proto form. */
final class UserMapper {

    private UserMapper() {
    }

    static User toProto(UserEntity e) {
        return toProto(new UserRow(e.id, e.name, e.email, e.status, e.createdAt, e.updatedAt, e.version));
    }

    static User toProto(UserRow r) {
        return User.newBuilder()
                .setId(r.id())
                .setName(r.name())
                .setEmail(r.email())
                .setStatus(r.status() == UserState.SUSPENDED ? UserStatus.USER_STATUS_SUSPENDED : UserStatus.USER_STATUS_ACTIVE)
                .setCreatedAt(Timestamps.of(r.createdAt()))
                .setUpdatedAt(Timestamps.of(r.updatedAt()))
                .setVersion(r.version())
                .build();
    }

    /** The state a request asks for; {@code unspecified} when it leaves the status alone. */
    static UserState toState(UserStatus status, String field, UserState unspecified) {
        return switch (status) {
            case USER_STATUS_UNSPECIFIED -> unspecified;
            case USER_STATUS_ACTIVE -> UserState.ACTIVE;
            case USER_STATUS_SUSPENDED -> UserState.SUSPENDED;
            default -> throw ApiError.invalidArgument(field, "unknown status");
        };
    }
}
