package dev.grpcshop.order.outbox;

import dev.grpcshop.platform.grpc.Timestamps;
import dev.grpcshop.order.OrdersConfig;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The stored outbox: entries written with the order change that owes them, leased, retried and closed. */
@ApplicationScoped
public class OutboxStore {

    @Inject
    OrdersConfig config;

    /**
     * Stores an entry, in the caller's transaction, leased to the caller, who delivers it right after commit: the
     * poller leaves it alone for the lease (so it is not delivered twice at once) and takes it over only if that
     * delivery never reports back (a crash); a failed delivery sets its own retry time.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEntry enqueueLeased(String orderId, OutboxEntry.Kind kind, String key, byte[] payload) {
        return enqueueLeased(orderId, kind, key, Base64.getEncoder().encodeToString(payload));
    }

    /** As {@link #enqueueLeased(String, OutboxEntry.Kind, String, byte[])}, with a payload that is text already. */
    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEntry enqueueLeased(String orderId, OutboxEntry.Kind kind, String key, String payload) {
        OutboxEntry entry = new OutboxEntry();
        entry.orderId = orderId;
        entry.kind = kind;
        entry.idempotencyKey = key;
        entry.payload = payload;
        entry.createdAt = Timestamps.now();
        entry.nextAttemptAt = entry.createdAt.plus(config.outbox().lease());
        entry.attempts = 1;
        entry.persist();
        return entry;
    }

    /** The entry, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEntry get(long entryId) {
        return OutboxEntry.findById(entryId);
    }

    /**
     * Closes a settled CHARGE entry in the caller's transaction, with the reason if it failed; its payload holds the
     * card token and is not kept.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void closeCharge(OutboxEntry charge, String failure) {
        charge.doneAt = Timestamps.now();
        charge.payload = null;
        if (failure != null) {
            charge.lastError = failure;
        }
    }

    /** Entries due for delivery now, oldest first. */
    @Transactional
    public List<OutboxEntry> due(Instant now, int limit) {
        return OutboxEntry.<OutboxEntry> find("doneAt is null and nextAttemptAt <= ?1", Sort.by("nextAttemptAt"), now)
                .range(0, limit - 1).list();
    }

    /** Takes the lease of a due entry; false if another worker took it first. */
    @Transactional
    boolean claim(long entryId, Instant now) {
        return OutboxEntry.update("nextAttemptAt = ?1, attempts = attempts + 1 where id = ?2 and doneAt is null"
                + " and nextAttemptAt <= ?3", now.plus(config.outbox().lease()), entryId, now) == 1;
    }

    @Transactional
    void markDone(long entryId, String error) {
        OutboxEntry.update("doneAt = ?1, lastError = ?2 where id = ?3", Timestamps.now(), error, entryId);
    }

    /** Marks delivered entries done, in one statement. */
    @Transactional
    void markDone(Collection<Long> entryIds) {
        OutboxEntry.update("doneAt = ?1, lastError = null where id in ?2", Timestamps.now(), entryIds);
    }

    @Transactional
    void retryLater(long entryId, String error, Duration wait) {
        OutboxEntry.update("nextAttemptAt = ?1, lastError = ?2 where id = ?3 and doneAt is null",
                Timestamps.now().plus(wait), truncate(error), entryId);
    }

    /** Undelivered entries by kind. */
    @Transactional
    Map<OutboxEntry.Kind, Long> backlog() {
        Map<OutboxEntry.Kind, Long> backlog = new EnumMap<>(OutboxEntry.Kind.class);
        for (OutboxEntry.Kind kind : OutboxEntry.Kind.values()) {
            backlog.put(kind, 0L);
        }
        OutboxEntry.getEntityManager()
                .createQuery("select e.kind, count(e) from OutboxEntry e where e.doneAt is null group by e.kind",
                        Object[].class)
                .getResultList().forEach(row -> backlog.put((OutboxEntry.Kind) row[0], (Long) row[1]));
        return backlog;
    }

    static byte[] decode(String payload) {
        return Base64.getDecoder().decode(payload);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300);
    }
}
