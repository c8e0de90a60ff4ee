package dev.grpcshop.user;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "app.users")
public interface UsersConfig {

    /** ListUsers limits. */
    ListUsers list();

    /** GetUser from memory ({@link UserCache}). */
    Cache cache();

    interface Cache {
        /** On where this process is the only writer (embedded H2); off on PostgreSQL. */
        @WithDefault("true")
        boolean enabled();

        /** Users remembered at most; beyond, reads go to the database. */
        @WithDefault("10000")
        int maxEntries();
    }

    interface ListUsers {
        /** Largest limit a ListUsers request may ask for; 0 in a request means this many. */
        @WithDefault("100000")
        int maxLimit();

        /** Rows read from the database per query while streaming. */
        @WithDefault("500")
        int pageSize();
    }
}
