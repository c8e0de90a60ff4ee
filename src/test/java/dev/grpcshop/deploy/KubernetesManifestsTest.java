package dev.grpcshop.deploy;

import dev.grpcshop.platform.runtime.ServiceRole;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renders every kustomize overlay with kubectl and checks the objects against the application: they parse
 * as Kubernetes objects without unknown fields, and ports, probes and environment variables match the
 * application's configuration.
 */
class KubernetesManifestsTest {

    static final Path OVERLAYS = Path.of("kubernetes", "overlays");
    static final Properties CONFIG = applicationProperties();
    static final int GRPC_PORT = Integer.parseInt(CONFIG.getProperty("quarkus.grpc.server.port"));
    static final int HTTP_PORT = Integer.parseInt(CONFIG.getProperty("quarkus.http.port"));

    static List<HasMetadata> render(String overlay) throws Exception {
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", OVERLAYS.resolve(overlay).toString())
                    .redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            Assumptions.abort("kubectl is not installed: the manifests were not rendered (" + notInstalled.getMessage() + ")");
            return List.of();
        }
        String yaml = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, kubectl.exitValue(), yaml);
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---$")) {
            if (!doc.isBlank()) {
                Object parsed = Serialization.unmarshal(doc);
                if (parsed instanceof KubernetesList list) {
                    objects.addAll(list.getItems());
                } else {
                    objects.add((HasMetadata) parsed);
                }
            }
        }
        return objects;
    }

    @Test
    void prodHasADeploymentAndAHeadlessServicePerRoleRunningOnlyThatRole() throws Exception {
        List<HasMetadata> objects = render("prod");
        objects.forEach(KubernetesManifestsTest::assertNoUnknownFields);
        for (ServiceRole role : ServiceRole.values()) {
            String name = role.configName + "-grpcshop";
            Deployment deployment = find(objects, Deployment.class, name);
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertEquals(role.configName, env(container, "APP_SERVICES"));
            // TLS in prod: the kubelet's gRPC probe cannot speak it, so readiness is the HTTP health check
            assertEquals("/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());
            assertTrue(env(container, "QUARKUS_PROFILE", objects).contains("tls"));
            assertMountedFromSecret(deployment, "/etc/grpcshop/tls", "grpcshop-tls");
            assertContainerMatchesTheApplication(container);
            assertMountedFromSecret(deployment, "/etc/grpcshop/jwt", "grpcshop-jwt");
            assertShutdownFitsTheGracePeriod(deployment);

            Service service = find(objects, Service.class, name);
            assertEquals("None", service.getSpec().getClusterIP(), "headless, so clients balance per call");
            assertEquals(Set.of(GRPC_PORT, HTTP_PORT),
                    Set.copyOf(service.getSpec().getPorts().stream().map(p -> p.getPort()).toList()));
            assertEquals(deployment.getSpec().getSelector().getMatchLabels(), service.getSpec().getSelector());
            assertNotNull(find(objects, io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class, name));
            assertNotNull(find(objects, io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class, name));
        }
    }

    @Test
    void localRunsAllServicesInOneDeploymentBesidePostgres() throws Exception {
        List<HasMetadata> objects = render("local");
        objects.forEach(KubernetesManifestsTest::assertNoUnknownFields);
        Deployment app = find(objects, Deployment.class, "grpcshop");
        Container container = app.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("all", env(container, "APP_SERVICES"));
        assertContainerMatchesTheApplication(container);
        assertMountedFromSecret(app, "/etc/grpcshop/jwt", "grpcshop-jwt");
        assertShutdownFitsTheGracePeriod(app);
        assertNotNull(find(objects, io.fabric8.kubernetes.api.model.apps.StatefulSet.class, "postgres"));
        assertEquals(1, objects.stream().filter(o -> o instanceof Deployment).count());
    }

    @Test
    void knativeServesEachRoleOnAnH2cPortAndScalesToZero() throws Exception {
        List<HasMetadata> objects = render("knative");
        for (ServiceRole role : ServiceRole.values()) {
            GenericKubernetesResource ksvc = objects.stream()
                    .filter(o -> o instanceof GenericKubernetesResource g && g.getKind().equals("Service")
                            && g.getApiVersion().equals("serving.knative.dev/v1")
                            && g.getMetadata().getName().equals(role.configName + "-grpcshop"))
                    .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
            Map<String, Object> template = map(map(ksvc.getAdditionalProperties().get("spec")).get("template"));
            assertEquals("0", map(map(template.get("metadata")).get("annotations")).get("autoscaling.knative.dev/min-scale"));
            Container container = Serialization.unmarshal(Serialization.asJson(
                    ((List<?>) map(template.get("spec")).get("containers")).get(0)), Container.class);
            assertNoUnknownFields(container);
            assertEquals(List.of("h2c"), container.getPorts().stream().map(ContainerPort::getName).toList());
            assertEquals(GRPC_PORT, container.getPorts().get(0).getContainerPort());
            assertEquals(role.configName, env(container, "APP_SERVICES"));
            assertEnvMatchesTheApplication(container);
        }
        Map<String, String> config = objects.stream().filter(o -> o.getKind().equals("ConfigMap"))
                .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData()).findFirst().orElseThrow();
        config.keySet().forEach(KubernetesManifestsTest::assertKnownEnvVar);
    }

    @Test
    void knativeWakesTheOrderRoleOnAScheduleSoThatItsOutboxIsDeliveredAtZeroReplicas() throws Exception {
        io.fabric8.kubernetes.api.model.batch.v1.CronJob wakeup = find(render("knative"),
                io.fabric8.kubernetes.api.model.batch.v1.CronJob.class, "order-outbox-wakeup");
        assertNotNull(wakeup);
        assertNoUnknownFields(wakeup);
        assertEquals("Forbid", wakeup.getSpec().getConcurrencyPolicy());
        String command = String.join(" ", wakeup.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()
                .getContainers().get(0).getCommand());
        // a gRPC health check through the order role's Knative route (port 80), as the other roles' clients call it
        assertTrue(command.contains("--http2-prior-knowledge") && command.contains("content-type: application/grpc")
                && command.contains("http://order-grpcshop/grpc.health.v1.Health/Check"), command);
    }

    private static void assertContainerMatchesTheApplication(Container container) {
        assertEquals(Set.of("grpc:" + GRPC_PORT, "http:" + HTTP_PORT), Set.copyOf(container.getPorts().stream()
                .map(p -> p.getName() + ":" + p.getContainerPort()).toList()));
        for (Probe probe : new Probe[] {container.getReadinessProbe(), container.getLivenessProbe(),
                container.getStartupProbe()}) {
            assertNotNull(probe);
            if (probe.getGrpc() != null) {
                assertEquals(GRPC_PORT, probe.getGrpc().getPort());
            } else {
                assertEquals(HTTP_PORT, probe.getHttpGet().getPort().getIntVal());
                assertTrue(probe.getHttpGet().getPath().startsWith("/q/health/"), probe.getHttpGet().getPath());
            }
        }
        assertEnvMatchesTheApplication(container);
    }

    private static void assertEnvMatchesTheApplication(Container container) {
        container.getEnv().forEach(e -> assertKnownEnvVar(e.getName()));
        assertTrue(container.getEnv().stream().anyMatch(e -> e.getName().equals("DB_PASSWORD")
                && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null),
                "the database password comes from a Secret");
        for (String key : List.of("JWT_PUBLIC_KEY_LOCATION", "JWT_SERVICE_SIGNING_KEY_LOCATION")) {
            assertTrue(env(container, key).startsWith("/etc/grpcshop/jwt/"), key + ": without it the app refuses to start");
        }
    }

    /** An environment variable must set a key of application.properties or fill one of its ${VAR}s. */
    private static void assertKnownEnvVar(String name) {
        Set<String> known = new HashSet<>(List.of("QUARKUS_PROFILE"));
        Matcher placeholder = Pattern.compile("\\$\\{([A-Z_]+)").matcher(String.join("\n", CONFIG.stringPropertyNames()
                .stream().map(CONFIG::getProperty).toList()));
        while (placeholder.find()) {
            known.add(placeholder.group(1));
        }
        for (String key : CONFIG.stringPropertyNames()) {
            known.add(key.replaceFirst("^%[^.]+\\.", "").replaceAll("[^A-Za-z0-9]", "_").toUpperCase());
        }
        assertTrue(known.contains(name), name + " sets nothing the application reads");
    }

    /** The token keys (and TLS material) are files from a Secret, where the env vars of the app point. */
    /**
     * A pod keeps serving, NOT_SERVING, for the shutdown delay (so endpoints drop it first), then drains HTTP
     * requests and gRPC calls and the outbox relay's deliveries (5 s): all of it before the kubelet's SIGKILL.
     */
    private static void assertShutdownFitsTheGracePeriod(Deployment deployment) {
        var pod = deployment.getSpec().getTemplate().getSpec();
        long delay = seconds(env(pod.getContainers().get(0), "QUARKUS_SHUTDOWN_DELAY"));
        assertTrue(delay > 0, "a pre-shutdown delay is set");
        long longest = delay + seconds(CONFIG.getProperty("quarkus.shutdown.timeout"))
                + seconds(CONFIG.getProperty("app.shutdown.drain-timeout")) + 5;
        assertTrue(longest <= pod.getTerminationGracePeriodSeconds(),
                longest + " s of shutdown vs a grace period of " + pod.getTerminationGracePeriodSeconds() + " s");
    }

    private static long seconds(String duration) {
        Matcher m = Pattern.compile("(\\d+)s").matcher(duration);
        assertTrue(m.matches(), "a duration in seconds: " + duration);
        return Long.parseLong(m.group(1));
    }

    private static void assertMountedFromSecret(Deployment deployment, String path, String secret) {
        var pod = deployment.getSpec().getTemplate().getSpec();
        String volume = pod.getContainers().get(0).getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path))
                .map(m -> m.getName()).findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + path));
        assertEquals(secret, pod.getVolumes().stream().filter(v -> v.getName().equals(volume)).findFirst()
                .orElseThrow().getSecret().getSecretName().replaceFirst("-[a-z0-9]{10}$", ""));
    }

    /** An env var of the container, or else of the ConfigMap it loads. */
    private static String env(Container container, String name, List<HasMetadata> objects) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElseGet(() -> objects.stream().filter(o -> o.getKind().equals("ConfigMap"))
                        .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData().get(name))
                        .filter(java.util.Objects::nonNull).findFirst()
                        .orElseThrow(() -> new AssertionError("no env " + name)));
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** Fails if any part of the object holds a field its Kubernetes schema does not have (a typo, say). */
    static void assertNoUnknownFields(Object model) {
        walk(model, "", new IdentityHashMap<>());
    }

    private static void walk(Object node, String path, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, true) != null) {
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                walk(item, path + "[" + i++ + "]", seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            try {
                Object value = getter.invoke(node);
                if (getter.getName().equals("getAdditionalProperties")) {
                    assertFalse(value instanceof Map<?, ?> extra && !extra.isEmpty()
                            && !(node instanceof GenericKubernetesResource),
                            "unknown field(s) " + value + " at " + path + " (" + node.getClass().getSimpleName() + ")");
                } else {
                    walk(value, path + "." + getter.getName().substring(3), seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static Properties applicationProperties() {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }
}
