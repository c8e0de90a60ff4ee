package dev.grpcshop.notification;

import io.smallrye.config.ConfigMapping;

/** NotificationService's settings ({@code app.notifications.*}); defaults in application.properties. */
@ConfigMapping(prefix = "app.notifications")
public interface NotificationsConfig {

    Listing list();

    interface Listing {
        /** Largest limit of a ListNotifications request (0 in a request means this many). */
        int maxLimit();
    }
}
