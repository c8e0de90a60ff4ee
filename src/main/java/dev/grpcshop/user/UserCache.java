package dev.grpcshop.user;

import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.platform.error.ApiError;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GetUser from memory, where that stays correct: on the embedded H2 database this process is the only writer
 * (H2 locks the file), and every committed change to a user reaches {@link #onCommitted} before the writing
 * call returns. Entries only ever move to a newer version (a deletion is a tombstone newer than any version),
 * so a slow read cannot put back what a write replaced. Off on PostgreSQL (app.users.cache.enabled), where
 * other replicas write too. Bounded without eviction: once full, other users are read from the database.
 */
@ApplicationScoped
public class UserCache {

    /** Stands for a deleted user: newer than every version. */
    private static final User DELETED = User.newBuilder().setId(-1).setVersion(Long.MAX_VALUE).build();

    private final Map<Long, User> users = new ConcurrentHashMap<>();
    private final UserDirectory directory;
    private final boolean enabled;
    private final int maxEntries;

    public UserCache(UserDirectory directory, UsersConfig config) {
        this.directory = directory;
        this.enabled = config.cache().enabled();
        this.maxEntries = config.cache().maxEntries();
    }

    /** The cached user, or null when it must be read ({@link #load}); NOT_FOUND for a deleted one. */
    public User cached(long id) {
        User user = enabled ? users.get(id) : null;
        if (user == DELETED) {
            throw ApiError.notFound("user", id);
        }
        return user;
    }

    /** The user, from memory or else from the database; blocking, so for worker threads. */
    public User get(long id) {
        User user = cached(id);
        return user != null ? user : load(id);
    }

    /** Reads the user from the database (on a worker thread) and remembers it. */
    public User load(long id) {
        ManagedContext requestContext = Arc.container().requestContext();
        boolean activated = !requestContext.isActive();
        if (activated) {
            requestContext.activate(); // the Hibernate session of a read without a transaction is request-scoped
        }
        try {
            User user = UserMapper.toProto(directory.get(id));
            remember(id, user);
            return user;
        } finally {
            if (activated) {
                requestContext.terminate();
            }
        }
    }

    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) UserChanged changed) {
        // a new user cannot have been read before its creation: only updates and deletions matter
        switch (changed.change().getKind()) {
            case KIND_UPDATED -> remember(changed.change().getUser().getId(), changed.change().getUser());
            case KIND_DELETED -> remember(changed.change().getUser().getId(), DELETED);
            default -> {
            }
        }
    }

    /**
     * Keeps the newer of the cached and the given version. A new id is added only while there is room; as
     * nothing is evicted, a write that found no room means no later read finds room either.
     */
    private void remember(long id, User candidate) {
        if (!enabled) {
            return;
        }
        users.compute(id, (key, current) -> {
            if (current == null) {
                return users.size() < maxEntries ? candidate : null;
            }
            return current.getVersion() >= candidate.getVersion() ? current : candidate;
        });
    }
}
