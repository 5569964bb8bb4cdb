package dev.doppel.engine.copy;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Applies logged keys to the shadow by re-reading the source's current rows: deletes the shadow rows of the logged
 * keys, inserts the source's current ones, and deletes exactly the log entries it read (ids commit out of order, so
 * never a range). Idempotent and order-free, so it needs no row images and survives being repeated.
 */
public final class KeyResync {

    private static final Logger log = LoggerFactory.getLogger(KeyResync.class);
    /** unique_violation, exclusion_violation. */
    private static final Set<String> CONFLICTS = Set.of("23505", "23P01");
    private static final int CONFLICT_ATTEMPTS = 5;

    private record Entry(long id, boolean truncate) {
    }

    /** Checked before a batch is applied, in its transaction; throws to refuse the batch. */
    @FunctionalInterface
    public interface Guard {
        void check(Session s, Long[] ids) throws SQLException;
    }

    /** Entries applied per statement under a lock: small, so that the time spent is checked often. */
    private static final int LOCKED_BATCH = 200;

    private final Session session;
    private final MigrationSql sql;
    private final int batch;
    private final Guard guard;
    private final long maxRowsPerSecond;

    public KeyResync(Session session, MigrationSql sql, int batch) {
        this(session, sql, batch, 0, (s, ids) -> { });
    }

    /**
     * @param maxRowsPerSecond cap on rounds outside a lock, so that replay, which no throttle signal holds (it
     *                         must keep the backlog small), cannot starve the database either; 0 for none. Batches
     *                         shrink to a second's worth so the cap paces smoothly.
     */
    public KeyResync(Session session, MigrationSql sql, int batch, long maxRowsPerSecond) {
        this(session, sql, batch, maxRowsPerSecond, (s, ids) -> { });
    }

    public KeyResync(Session session, MigrationSql sql, int batch, Guard guard) {
        this(session, sql, batch, 0, guard);
    }

    private KeyResync(Session session, MigrationSql sql, int batch, long maxRowsPerSecond, Guard guard) {
        this.session = session;
        this.sql = sql;
        this.batch = maxRowsPerSecond > 0 ? (int) Math.max(1, Math.min(batch, maxRowsPerSecond)) : batch;
        this.maxRowsPerSecond = maxRowsPerSecond;
        this.guard = guard;
    }

    /**
     * Rounds until at most {@code until} entries remain and no TRUNCATE is pending, or until {@code patience}
     * passes without the backlog shrinking (writers outpacing the re-sync: the caller decides what then); returns
     * the entries applied.
     */
    public long drain(long until, Duration patience) throws SQLException {
        long applied = 0;
        long best = Long.MAX_VALUE;
        long lastProgress = System.nanoTime();
        while (true) {
            long backlog = session.number(sql.backlog());
            if (backlog <= until && session.number(sql.truncatePending()) == 0) {
                return applied;
            }
            if (backlog < best) {
                best = backlog;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > patience.toNanos()) {
                log.warn("the change log of {} holds {} entries and is not shrinking: writes outpace the re-sync",
                        sql.src(), backlog);
                return applied;
            }
            DoppelException.stopIfInterrupted("re-syncing logged changes");
            long t0 = System.nanoTime();
            int n = round();
            applied += n;
            pace(n, System.nanoTime() - t0);
        }
    }

    private void pace(int entries, long tookNanos) {
        if (maxRowsPerSecond <= 0) {
            return;
        }
        long nanos = entries * 1_000_000_000L / maxRowsPerSecond - tookNanos;
        DoppelException.pause(Duration.ofNanos(nanos), "pacing the replay");
    }

    /**
     * One batch in its own transaction; returns the entries applied. REPEATABLE READ, so the log and the source are
     * read in one snapshot: every row changed in it has its entry there, and a round that takes the whole log leaves
     * the shadow as the source was at that snapshot, which its unique indexes accept. Only doppel writes the shadow
     * and deletes log entries, so this snapshot never meets a serialization failure.
     */
    private int round() throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return session.transaction(Connection.TRANSACTION_REPEATABLE_READ, s -> applyBatch(s, batch));
            } catch (DoppelException e) {
                // A logical capture may not have logged the other row of a swap yet: give it a moment.
                if (e.reason() != Reason.REPLAY_CONFLICT || attempt == CONFLICT_ATTEMPTS) {
                    throw e;
                }
                log.info("re-syncing the change log of {} met a unique or exclusion conflict; retrying", sql.src());
                DoppelException.pause(Duration.ofMillis(200L * attempt), "re-syncing logged changes");
            }
        }
    }

    /**
     * One batch inside the caller's transaction. A batch re-syncs its keys to the source's current rows while rows
     * outside it may still hold older values: when one of those holds a value a batch row now takes (the two rows
     * swapped or moved it), a secondary unique or exclusion index refuses. That other row has an entry in the log
     * too, so the batch is retried with the whole log.
     */
    private int applyBatch(Session s, int limit) throws SQLException {
        Savepoint before = s.connection().setSavepoint();
        try {
            return apply(s, limit);
        } catch (SQLException e) {
            if (!CONFLICTS.contains(e.getSQLState())) {
                throw e;
            }
            s.connection().rollback(before);
        }
        try {
            return apply(s, Integer.MAX_VALUE);
        } catch (SQLException e) {
            if (!CONFLICTS.contains(e.getSQLState())) {
                throw e;
            }
            throw new DoppelException(Reason.REPLAY_CONFLICT, "re-syncing the logged changes of " + sql.src()
                    + " into the new table breaks one of its unique or exclusion constraints: " + e.getMessage()
                    + ". Writes made after the copy hold values the new schema does not accept (a blocking ALTER"
                    + " would have refused them); nothing was swapped: change those rows and resume, or abort", e);
        }
    }

    private int apply(Session s, int limit) throws SQLException {
        refuseDisabledCapture(s, sql);
        List<Entry> entries = s.query(sql.readLogBatch(), rs -> new Entry(rs.getLong(1), rs.getBoolean(2)), limit);
        if (entries.isEmpty()) {
            return 0;
        }
        Long[] ids = entries.stream().map(Entry::id).toArray(Long[]::new);
        guard.check(s, ids);
        if (entries.stream().anyMatch(Entry::truncate)) {
            s.execute(sql.resyncAll());
        }
        s.update(sql.resyncDelete(), (Object) ids);
        s.update(sql.resyncUpsert(), (Object) ids);
        s.update(sql.deleteLogEntries(), (Object) ids);
        return entries.size();
    }

    /**
     * Stops when the capture was switched off: writes made meanwhile were never logged, so no replay can bring the
     * target up to date. Checked with every batch, so also under the cut-over's lock, which keeps it switched on.
     */
    public static void refuseDisabledCapture(Session s, MigrationSql sql) throws SQLException {
        String disabled = s.text(sql.disabledCapture());
        if (disabled != null) {
            throw new DoppelException(Reason.CAPTURE_DISABLED, "doppel's capture trigger " + disabled + " on "
                    + sql.src() + " was disabled (ALTER TABLE ... DISABLE TRIGGER, as bulk loaders and pg_restore"
                    + " --disable-triggers do): writes made while it was off were not logged, so the copy cannot be"
                    + " trusted. Nothing was swapped; run the migration again, and keep its triggers enabled");
        }
    }

    /**
     * Applies every pending entry inside the caller's transaction (the cut-over's, under its lock) in small batches,
     * unless {@code deadline} ({@link System#nanoTime()}) passes first: then null, and the caller gives its lock back
     * (its transaction rolls back what was applied, which stays logged).
     */
    public Long applyAllBefore(Session s, long deadline) throws SQLException {
        long total = 0;
        int n;
        do {
            if (System.nanoTime() > deadline) {
                return null;
            }
            n = applyBatch(s, LOCKED_BATCH);
            total += n;
        } while (n == LOCKED_BATCH);
        return total;
    }
}
