package dev.grpcshop.platform.runtime;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The services this one build can run; an instance runs the subset named by {@code app.services}. */
public enum ServiceRole {
    USER("user", "user.v1.UserService"),
    ORDER("order", "order.v1.OrderService"),
    PAYMENT("payment", "payment.v1.PaymentService"),
    NOTIFICATION("notification", "notification.v1.NotificationService");

    /** The name used in {@code app.services}. */
    public final String configName;
    /** The fully qualified gRPC service name. */
    public final String grpcService;

    ServiceRole(String configName, String grpcService) {
        this.configName = configName;
        this.grpcService = grpcService;
    }

    /** Looked up on every outbound call (its deadline): a map, not a scan. */
    private static final Map<String, ServiceRole> BY_GRPC_SERVICE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(r -> r.grpcService, r -> r));

    public static Optional<ServiceRole> ofGrpcService(String grpcService) {
        return Optional.ofNullable(BY_GRPC_SERVICE.get(grpcService));
    }

    public static Optional<ServiceRole> ofConfigName(String name) {
        return Arrays.stream(values()).filter(r -> r.configName.equals(name)).findFirst();
    }
}
