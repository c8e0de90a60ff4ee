package dev.grpcshop.user;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "app.users")
public interface UsersConfig {

    /** ListUsers limits. */
    ListUsers list();

    /** GetUser from memory ({@link UserCache}). */
    Cache cache();

    interface Cache {
        /** On where this process is the only writer (embedded H2); off on PostgreSQL. */
        boolean enabled();

        /** Users remembered at most; beyond, reads go to the database. */
        int maxEntries();
    }

    interface ListUsers {
        /** Largest limit a ListUsers request may ask for; 0 in a request means this many. */
        int maxLimit();

        /** Rows read from the database per query while streaming. */
        int pageSize();
    }
}
