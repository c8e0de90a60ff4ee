package dev.grpcshop.platform.stream;

import io.smallrye.config.ConfigMapping;

/** Settings of the server streams ({@code app.streams.*}); defaults in application.properties. */
@ConfigMapping(prefix = "app.streams")
public interface StreamsConfig {

    /** Messages a push stream keeps for a slow client before it closes the stream RESOURCE_EXHAUSTED. */
    int maxPending();

    /** Threads reading the pages of server streams (ListUsers, ListOrders, ListNotifications): {@link PageReaders}. */
    int pageReaders();
}
