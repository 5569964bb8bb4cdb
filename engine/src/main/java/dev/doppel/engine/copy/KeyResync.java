package dev.doppel.engine.copy;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Applies logged keys to the shadow by re-reading the source's current rows: deletes shadow rows whose key is
 * gone, upserts the rest, and deletes exactly the log entries it read (ids commit out of order, so never a range).
 * Idempotent and order-free, so it needs no row images and survives being repeated.
 */
public final class KeyResync {

    private static final Logger log = LoggerFactory.getLogger(KeyResync.class);

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
            int n = session.transaction(this::applyBatch);
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

    private int applyBatch(Session s) throws SQLException {
        return applyBatch(s, batch);
    }

    private int applyBatch(Session s, int limit) throws SQLException {
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
