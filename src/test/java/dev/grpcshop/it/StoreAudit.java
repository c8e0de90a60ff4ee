package dev.grpcshop.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the stores hold after a crash test, read straight from the databases once the services are stopped, set against
 * what the clients were answered and what the (simulated) card processor did. Every count but {@code answered} must be 0.
 */
final class StoreAudit {

    /** JDBC URLs of the databases holding orders, payments and notifications (one URL three times when shared). */
    record Stores(String orders, String payments, String notifications, String user) {
    }

    private static final Set<List<String>> VALID_HISTORIES = Set.of(
            List.of("PENDING", "AUTHORIZED", "CAPTURED"),
            List.of("PENDING", "DECLINED"),
            List.of("PENDING", "AUTHORIZED", "DECLINED"));

    final Map<String, Integer> counts = new LinkedHashMap<>();
    final List<String> examples = new ArrayList<>();

    static StoreAudit of(OrderLoad load, Stores stores, Path processorJournal) throws SQLException, IOException {
        StoreAudit audit = new StoreAudit();
        audit.check(load, stores, processorJournal);
        return audit;
    }

    private void check(OrderLoad load, Stores stores, Path processorJournal) throws SQLException, IOException {
        Map<String, String[]> orders = rows(stores.orders(), stores.user(),
                "select id, status, failure_reason, idempotency_key from orders");
        Map<String, String[]> payments = rows(stores.payments(), stores.user(),
                "select id, order_id, state, last_sequence from payments");
        Map<String, List<String>> history = new HashMap<>();
        Map<String, List<Integer>> sequences = new HashMap<>();
        query(stores.payments(), stores.user(),
                "select payment_id, sequence, state from payment_events order by payment_id, sequence", r -> {
                    history.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(3));
                    sequences.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getInt(2));
                });
        Map<String, Integer> notificationsPerOrder = new HashMap<>();
        query(stores.notifications(), stores.user(), "select idempotency_key from notifications",
                r -> notificationsPerOrder.merge(r.getString(1).split(":")[1], 1, Integer::sum));
        int outboxOpen = countRows(stores.orders(), stores.user(), "select count(*) from order_outbox where done_at is null");

        counts.put("answered", load.answered.size());
        countWithExamples("refused or never answered", load.refused);
        int lost = 0;
        int wrongOutcome = 0;
        for (OrderLoad.Answered a : load.answered.values()) {
            String[] order = orders.get(a.orderId());
            if (order == null) {
                lost++;
                example("lost: order " + a.orderId() + " of key " + a.request().getIdempotencyKey());
            } else if (!order[1].equals(a.declining() ? "PAYMENT_FAILED" : "CONFIRMED")) {
                wrongOutcome++;
                example("order " + a.orderId() + " is " + order[1] + " (" + order[2] + ")");
            }
        }
        counts.put("lost", lost);
        counts.put("keys with two orders", load.keysWithTwoOrders.get());
        counts.put("wrong outcome", wrongOutcome);

        Map<String, List<String>> paymentsOfOrder = new HashMap<>();
        payments.values().forEach(p -> paymentsOfOrder.computeIfAbsent(p[1], k -> new ArrayList<>()).add(p[0]));
        int pending = 0;
        int notOnePayment = 0;
        int missingNotification = 0;
        int doubledNotification = 0;
        for (String[] order : orders.values()) {
            if (order[1].equals("PENDING")) {
                pending++;
                example("order " + order[0] + " left PENDING");
            }
            int n = paymentsOfOrder.getOrDefault(order[0], List.of()).size();
            if (n != 1) {
                notOnePayment++;
                example("order " + order[0] + " has " + n + " payments");
            }
            int notified = notificationsPerOrder.getOrDefault(order[0], 0);
            if (notified == 0) {
                missingNotification++;
            } else if (notified > 1) {
                doubledNotification++;
            }
        }
        counts.put("orders left PENDING", pending);
        counts.put("orders without exactly one payment", notOnePayment);
        counts.put("notifications missing", missingNotification);
        counts.put("notifications doubled", doubledNotification);

        int unsettled = 0;
        int badHistory = 0;
        for (String[] p : payments.values()) {
            if (p[2].equals("PENDING") || p[2].equals("AUTHORIZED")) {
                unsettled++;
                example("payment " + p[0] + " left " + p[2]);
            }
            List<String> states = history.getOrDefault(p[0], List.of());
            List<Integer> numbers = sequences.getOrDefault(p[0], List.of());
            boolean numbered = numbers.size() == Integer.parseInt(p[3]);
            for (int i = 0; numbered && i < numbers.size(); i++) {
                numbered = numbers.get(i) == i + 1;
            }
            boolean endsInItsState = !states.isEmpty() && states.get(states.size() - 1).equals(p[2]);
            boolean settled = !p[2].equals("PENDING") && !p[2].equals("AUTHORIZED"); // unsettled: counted above
            if (!numbered || !endsInItsState || (settled && !VALID_HISTORIES.contains(states))) {
                badHistory++;
                example("payment " + p[0] + " history " + numbers + " " + states);
            }
        }
        counts.put("payments left unsettled", unsettled);
        counts.put("payment histories with gaps", badHistory);
        counts.put("outbox entries undelivered", outboxOpen);

        // The processor's own records: money taken must match the stored payments, once each.
        Set<String> captured = new HashSet<>();
        int capturedTwice = 0;
        for (String line : Files.readAllLines(processorJournal)) {
            String[] parts = line.split(" ");
            if (parts[0].equals("capture") && parts[2].equals("approved") && !captured.add(parts[1])) {
                capturedTwice++;
            }
        }
        int capturedUnrecorded = 0;
        for (String id : captured) {
            String[] p = payments.get(id);
            if (p == null || !p[2].equals("CAPTURED")) {
                capturedUnrecorded++;
                example("processor captured " + id + ", stored as " + (p == null ? "nothing" : p[2]));
            }
        }
        int recordedUncaptured = (int) payments.values().stream()
                .filter(p -> p[2].equals("CAPTURED") && !captured.contains(p[0])).count();
        counts.put("processor captures twice", capturedTwice);
        counts.put("processor captures with no CAPTURED payment", capturedUnrecorded);
        counts.put("CAPTURED payments the processor never captured", recordedUncaptured);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        counts.forEach((name, n) -> s.append(String.format("  %-48s %d%n", name, n)));
        examples.stream().limit(10).forEach(e -> s.append("  e.g. ").append(e).append('\n'));
        return s.toString();
    }

    /** Every count but the number answered is 0. */
    void assertClean() {
        Map<String, Integer> problems = new LinkedHashMap<>(counts);
        problems.remove("answered");
        problems.values().removeIf(n -> n == 0);
        assertEquals(Map.of(), problems, this::toString);
    }

    private void countWithExamples(String name, List<String> what) {
        counts.put(name, what.size());
        what.stream().limit(3).forEach(this::example);
    }

    private void example(String what) {
        if (examples.size() < 50) {
            examples.add(what);
        }
    }

    private interface RowReader {
        void read(ResultSet r) throws SQLException;
    }

    private static void query(String url, String user, String sql, RowReader reader) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                reader.read(r);
            }
        }
    }

    /** Rows by their first column, every column as text. */
    private static Map<String, String[]> rows(String url, String user, String sql) throws SQLException {
        Map<String, String[]> rows = new HashMap<>();
        query(url, user, sql, r -> {
            String[] row = new String[r.getMetaData().getColumnCount()];
            for (int i = 0; i < row.length; i++) {
                row[i] = r.getString(i + 1);
            }
            rows.put(row[0], row);
        });
        return rows;
    }

    private static int countRows(String url, String user, String sql) throws SQLException {
        int[] n = {0};
        query(url, user, sql, r -> n[0] = r.getInt(1));
        return n[0];
    }
}
