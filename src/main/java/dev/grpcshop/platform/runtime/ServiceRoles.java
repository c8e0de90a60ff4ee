package dev.grpcshop.platform.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Which services this instance runs, from {@code app.services} ("all", or e.g. "user,order"). */
@ApplicationScoped
public class ServiceRoles {

    private final Set<ServiceRole> enabled;

    public ServiceRoles(@ConfigProperty(name = "app.services") List<String> names) {
        EnumSet<ServiceRole> roles = EnumSet.noneOf(ServiceRole.class);
        for (String raw : names) {
            String name = raw.strip().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("all")) {
                roles.addAll(EnumSet.allOf(ServiceRole.class));
            } else {
                roles.add(ServiceRole.ofConfigName(name).orElseThrow(() -> new IllegalArgumentException(
                        "app.services: unknown service '" + raw + "'; use all or a list of "
                                + EnumSet.allOf(ServiceRole.class).stream().map(r -> r.configName)
                                        .collect(Collectors.joining(",")))));
            }
        }
        this.enabled = roles;
    }

    public boolean runs(ServiceRole role) {
        return enabled.contains(role);
    }

    public Set<ServiceRole> enabled() {
        return EnumSet.copyOf(enabled.isEmpty() ? EnumSet.noneOf(ServiceRole.class) : enabled);
    }

    /** False only for one of our services that this instance does not run (health, reflection: always true). */
    public boolean serves(String grpcService) {
        return ServiceRole.ofGrpcService(grpcService).map(enabled::contains).orElse(true);
    }
}
