package dev.grpcshop.it;

import dev.grpcshop.api.order.v1.GetOrderRequest;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.support.GrpcTestSupport;
import dev.grpcshop.support.Shop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a client was answered survives SIGKILL of any process: the packaged app takes a concurrent CreateOrder load from
 * clients that retry each key until answered, is killed with SIGKILL mid-load and restarted on the same data; once the
 * outbox and the payment sweep have settled everything, the stores are audited ({@link StoreAudit}).
 * <p>
 * On the embedded default (each instance in a directory of its own, with the default H2 file under ./data) unless run
 * with {@code -Dcrash.database=postgres} against a jar built with {@code -Dquarkus.profile=postgres}: then each test
 * gets a fresh database on the PostgreSQL server at {@code crash.postgres} (127.0.0.1:5432, user postgres).
 */
class CrashDurabilityIT {

    private static final boolean POSTGRES = "postgres".equals(System.getProperty("crash.database"));
    private static final String POSTGRES_SERVER = System.getProperty("crash.postgres", "127.0.0.1:5432");
    private static final Duration LOAD = Duration.ofSeconds(24);
    private static final Duration KILL_EVERY = Duration.ofSeconds(7);
    /**
     * A processor answering in 150 ms (a real one takes hundreds of ms), and leases short enough that what a killed
     * process left half done is taken over within seconds.
     */
    private static final List<String> REALISTIC_PROCESSOR_FAST_TAKEOVER = List.of(
            "-Dapp.payments.simulator.latency=150ms",
            "-Dapp.payments.resume-after=3s",
            "-Dapp.orders.outbox.lease=5s",
            "-Dapp.orders.outbox.max-backoff=2s");

    @TempDir
    Path dir;
    private String database;
    private final List<PackagedApp> running = new ArrayList<>();

    @BeforeEach
    void freshDatabase(TestInfo test) throws SQLException {
        if (POSTGRES) {
            database = "crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection c = DriverManager.getConnection(postgresUrl("postgres"), "postgres", "")) {
                c.createStatement().execute("CREATE DATABASE " + database);
            }
        }
        System.out.println("== " + test.getDisplayName() + " on " + (POSTGRES ? "PostgreSQL" : "embedded H2"));
    }

    @AfterEach
    void stopAndDropDatabase() throws Exception {
        for (PackagedApp app : running) {
            app.close();
        }
        if (POSTGRES) {
            try (Connection c = DriverManager.getConnection(postgresUrl("postgres"), "postgres", "")) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    @Test
    void everyOrderAnsweredBeforeTwoKillsOfTheWholeAppIsKeptChargedOnceAndNotifiedOnce() throws Exception {
        Instance app = new Instance("all", List.of());
        Path journal = dir.resolve("processor.journal");
        app.start(journal);
        try (Shop shop = new Shop(GrpcTestSupport.channel(app.grpcPort))) {
            OrderLoad load = new OrderLoad(shop.channel, shop.channel, users(shop, 8));
            load.start(Instant.now().plus(LOAD));
            for (int kill = 0; kill < 2; kill++) {
                Thread.sleep(KILL_EVERY.toMillis());
                app.killAndRestart(journal);
            }
            audit(load, app, app, app, journal);
        }
    }

    @Test
    void killingThePaymentAndNotificationInstancesMidLoadChargesNoOrderTwiceAndLeavesNoneBehind() throws Exception {
        Instance payment = new Instance("payment", List.of());
        Instance notification = new Instance("notification", List.of());
        Instance order = new Instance("user,order", List.of(
                "-Dquarkus.stork.payment-service.service-discovery.address-list=localhost:" + payment.grpcPort,
                "-Dquarkus.stork.notification-service.service-discovery.address-list=localhost:" + notification.grpcPort));
        Path journal = dir.resolve("processor.journal");
        payment.start(journal);
        notification.start(journal);
        order.start(journal);
        try (Shop shop = new Shop(GrpcTestSupport.channel(order.grpcPort));
                Shop notifications = new Shop(GrpcTestSupport.channel(notification.grpcPort))) {
            OrderLoad load = new OrderLoad(shop.channel, notifications.channel, users(shop, 8));
            load.start(Instant.now().plus(LOAD));
            for (Instance victim : List.of(payment, notification, payment)) {
                Thread.sleep(KILL_EVERY.toMillis());
                victim.killAndRestart(journal);
            }
            audit(load, order, payment, notification, journal);
        }
    }

    @Test
    void aChargeInterruptedByAKillIsFinishedOnceAfterTheRestart() throws Exception {
        // The processor holds every call (as one that never answers) and OrderService gives up on it after 1 s: the
        // order is answered PENDING, its payment stays PENDING with the authorization under way when the kill comes.
        Instance app = new Instance("all", List.of("-Dapp.clients.payment-deadline=1s"));
        Path journal = dir.resolve("processor.journal");
        app.start(journal, "-Dapp.payments.simulator.latency=1h");
        try (Shop shop = new Shop(GrpcTestSupport.channel(app.grpcPort))) {
            OrderLoad load = new OrderLoad(shop.channel, shop.channel, users(shop, 1));
            load.placeOne();
            OrderLoad.Answered answered = load.answered.values().iterator().next();
            assertEquals(OrderStatus.ORDER_STATUS_PENDING, getOrder(shop, answered.orderId()).getStatus());

            app.kill();
            app.start(journal); // the processor answers again
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> getOrder(shop, answered.orderId()).getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED);
            audit(load, app, app, app, journal);
        }
        assertEquals(List.of("authorize", "capture"), Files.readAllLines(journal).stream().map(l -> l.split(" ")[0])
                .toList(), "the processor authorized and captured the payment once each");
    }

    private static Order getOrder(Shop shop, String orderId) {
        return shop.orders.withDeadlineAfter(5, TimeUnit.SECONDS)
                .getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build());
    }

    /** Lets the load finish and everything settle, stops every instance and audits the stores. */
    private void audit(OrderLoad load, Instance orders, Instance payments, Instance notifications, Path journal)
            throws Exception {
        load.awaitWorkers();
        boolean settled = load.awaitSettled(Duration.ofSeconds(90));
        load.askAgain();
        for (PackagedApp app : running) {
            app.close();
        }
        running.clear();
        StoreAudit audit = StoreAudit.of(load, new StoreAudit.Stores(orders.jdbcUrl(), payments.jdbcUrl(),
                notifications.jdbcUrl(), POSTGRES ? "postgres" : "sa"), journal);
        System.out.println("crash test on " + (POSTGRES ? "PostgreSQL" : "embedded H2") + ": " + load.answered.size()
                + " orders answered, " + load.answeredPending.get() + " of them PENDING; retried calls by status: "
                + load.retriedByCode + "; interrupted charges finished by the payment sweep: "
                + payments.sweptCharges() + "; settled in time: " + settled + "\n" + audit);
        audit.assertClean();
    }

    private static List<Long> users(Shop shop, int count) {
        return Stream.generate(shop::newUser).limit(count).toList();
    }

    private String postgresUrl(String name) {
        return "jdbc:postgresql://" + POSTGRES_SERVER + "/" + name;
    }

    /** One process of the app, by the services it runs, restarted on the same ports and data after each kill. */
    private final class Instance {
        final int grpcPort = PackagedApp.freePort();
        final int httpPort = PackagedApp.freePort();
        private final Path workDir;
        private final List<String> options;
        private PackagedApp process;
        private final List<PackagedApp> processes = new ArrayList<>();

        Instance(String services, List<String> options) throws Exception {
            this.workDir = Files.createDirectories(dir.resolve(services.replace(',', '-')));
            List<String> all = new ArrayList<>(REALISTIC_PROCESSOR_FAST_TAKEOVER);
            all.add("-Dapp.services=" + services);
            if (POSTGRES) {
                all.addAll(List.of("-Dquarkus.profile=postgres", "-DDB_URL=" + postgresUrl(database), "-DDB_USER=postgres"));
            }
            all.addAll(options);
            this.options = all;
        }

        void start(Path journal, String... extra) throws Exception {
            List<String> all = new ArrayList<>(options);
            all.add("-Dapp.payments.simulator.journal=" + journal);
            all.addAll(List.of(extra));
            process = PackagedApp.start(workDir, grpcPort, httpPort, all);
            running.add(process);
            processes.add(process);
        }

        void kill() throws InterruptedException {
            process.kill();
            running.remove(process);
        }

        void killAndRestart(Path journal) throws Exception {
            kill();
            start(journal);
        }

        /** How many charges this instance's processes finished after they were interrupted (their INFO lines). */
        int sweptCharges() throws java.io.IOException {
            int finished = 0;
            for (PackagedApp p : processes) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("finished (\\d+) interrupted charge")
                        .matcher(p.log());
                while (m.find()) {
                    finished += Integer.parseInt(m.group(1));
                }
            }
            return finished;
        }

        /** The database the audit reads: the instance's default H2 file, or the test's PostgreSQL database. */
        String jdbcUrl() {
            return POSTGRES ? postgresUrl(database) : "jdbc:h2:file:" + workDir.resolve("data/grpcshop");
        }
    }
}
