package dev.doppel.engine.batch;

import dev.doppel.engine.Reason;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Options;
import dev.doppel.engine.copy.ChunkSizer;
import dev.doppel.engine.copy.RowCopier;
import dev.doppel.engine.sql.JobSql;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.OperatorRequests;
import dev.doppel.engine.state.JobStore;
import dev.doppel.engine.state.MigrationStore;
import dev.doppel.engine.throttle.Throttler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a job's batches in key order from its checkpoint: before each, the throttler may hold it; each is one
 * transaction with a short {@code lock_timeout} that changes the matching rows of its key range and commits the
 * checkpoint with them, retried with jittered backoff when a row lock, a deadlock or a serialization failure gets
 * in the way; after each, it sleeps as long as the rows/s cap asks, and every {@code vacuumEvery} batches it
 * vacuums the table.
 */
final class BatchRunner {

    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);
    /** lock_not_available, deadlock_detected, serialization_failure, query_canceled (a statement timeout). */
    private static final Set<String> RETRYABLE = Set.of("55P03", "40P01", "40001", "57014");

    /** One committed batch: keys examined, rows changed, the last key, and the limit it ran with. */
    record Batch(long examined, long changed, String[] lastKey, int limit) {
    }

    /** What this run did. */
    record Totals(long changed, long examined, long batches, long vacuums) {
    }

    private final Session session;
    private final JobSql sql;
    private final Options options;
    private final long id;
    private final String table;
    private final Throttler throttler;
    private final int vacuumEvery;
    private final MigrationListener listener;

    BatchRunner(Session session, JobSql sql, Options options, long id, String table, Throttler throttler,
                int vacuumEvery, MigrationListener listener) {
        this.session = session;
        this.sql = sql;
        this.options = options;
        this.id = id;
        this.table = table;
        this.throttler = throttler;
        this.vacuumEvery = vacuumEvery;
        this.listener = listener;
    }

    /**
     * Runs every batch after {@code checkpoint} (from the first key when null) up to the table's largest key when
     * the run starts: rows inserted past it later are the application's own, and chasing them could go on as long
     * as it writes. Progress counts keys passed against the table's estimated rows, {@code examinedBefore} of them
     * by earlier runs.
     */
    Totals run(String[] checkpoint, long examinedBefore, long estimatedRows) throws SQLException {
        String[] end = session.one(sql.endKey(), BatchRunner::key);
        if (end == null) {
            throttler.done();
            return new Totals(0, 0, 0, 0);
        }
        log.info("job {}: walking {} up to key {}", id, table, Arrays.toString(end));
        ChunkSizer sizer = new ChunkSizer(options.chunkTarget(), options.initialChunkRows(), options.maxChunkRows());
        String[] last = checkpoint;
        long changed = 0;
        long examined = 0;
        long batches = 0;
        long vacuums = 0;
        long lastChanged = 0;
        double matching = 1;
        long started = System.nanoTime();
        while (true) {
            DoppelException.stopIfInterrupted("between batches of job " + id);
            OperatorRequests.Settings settings = throttler.await();
            long cap = settings.maxRowsPerSecond() != null ? settings.maxRowsPerSecond() : options.maxRowsPerSecond();
            int limit = throttler.bound(bounded(sizer.next(), cap, matching), lastChanged, options.chunkTarget());
            long t0 = System.nanoTime();
            double secondsSoFar = (t0 - started) / 1e9;
            Batch b = retried(last, end, limit, secondsSoFar > 0 ? Math.round(changed / secondsSoFar) : 0);
            long took = System.nanoTime() - t0;
            if (b == null) {
                break;
            }
            sizer.record(b.examined(), took);
            batches++;
            changed += b.changed();
            examined += b.examined();
            lastChanged = b.changed();
            matching = (double) b.changed() / b.examined();
            last = b.lastKey();
            double seconds = (System.nanoTime() - started) / 1e9;
            listener.chunk(b.changed(), took / 1_000_000);
            listener.copied(examinedBefore + examined, estimatedRows, seconds > 0 ? examined / seconds : 0);
            if (vacuumEvery > 0 && batches % vacuumEvery == 0 && vacuum()) {
                vacuums++;
            }
            pace(b.changed(), System.nanoTime() - t0, cap);
            if (b.examined() < b.limit()) {
                break;
            }
        }
        throttler.done();
        return new Totals(changed, examined, batches, vacuums);
    }

    /** A batch, tried again on a lock, deadlock or serialization failure, at half the size each time. */
    private Batch retried(String[] from, String[] end, int limit, long rate) throws SQLException {
        int rows = limit;
        for (int attempt = 1; ; attempt++) {
            try {
                return once(from, end, rows, rate);
            } catch (SQLException e) {
                if (RowCopier.dataError(e)) {
                    throw new DoppelException(Reason.BATCH_FAILED, "job " + id + ": the batch of " + table + " after key "
                            + (from == null ? "(the first)" : Arrays.toString(from)) + " failed on the data: "
                            + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
                }
                if (!retryable(e) || attempt >= options.lockAttempts()) {
                    if (retryable(e)) {
                        throw new DoppelException(Reason.LOCK_TIMEOUT, "job " + id + ": the batch of " + table
                                + " after key " + (from == null ? "(the first)" : Arrays.toString(from))
                                + " gave way to other transactions " + attempt + " times (last: " + e.getMessage()
                                + ")", e);
                    }
                    throw e;
                }
                log.debug("job {}: batch of {} rows gave way ({}), attempt {}", id, rows, e.getSQLState(), attempt);
                rows = Math.max(1, rows / 2);
                sleep(backoffMillis(attempt));
            }
        }
    }

    private Batch once(String[] from, String[] end, int limit, long rate) throws SQLException {
        return session.transaction(s -> {
            s.execute("SET LOCAL lock_timeout = '" + options.lockTimeout().toMillis() + "ms'");
            Batch b = s.one(sql.batch(from == null, true), rs -> {
                String[] key = new String[rs.getMetaData().getColumnCount() - 2];
                for (int i = 0; i < key.length; i++) {
                    key[i] = rs.getString(i + 3);
                }
                return new Batch(rs.getLong(1), rs.getLong(2), key, limit);
            }, params(from, end, limit));
            if (b != null) {
                s.update(MigrationStore.checkpointSql(), b.lastKey(), b.changed(), rate, id);
                s.update(JobStore.batchSql(), b.examined(), id);
            }
            return b;
        });
    }

    static boolean retryable(SQLException e) {
        return RETRYABLE.contains(e.getSQLState());
    }

    /** VACUUM between batches; skipped (false) when another VACUUM or DDL holds the table past the lock timeout. */
    private boolean vacuum() throws SQLException {
        long t0 = System.nanoTime();
        session.execute("SET lock_timeout = '" + options.lockTimeout().toMillis() + "ms'");
        try {
            // As long as the table's size asks: the user chose to vacuum it between batches.
            session.unbounded(s -> {
                s.execute(sql.vacuum());
                return null;
            });
            log.info("job {}: vacuumed {} in {} ms", id, table, (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (SQLException e) {
            if (!"55P03".equals(e.getSQLState())) {
                throw e;
            }
            log.info("job {}: VACUUM of {} skipped, the table is locked by another VACUUM or DDL", id, table);
            return false;
        } finally {
            session.execute("RESET lock_timeout");
        }
    }

    private static String[] key(ResultSet rs) throws SQLException {
        String[] key = new String[rs.getMetaData().getColumnCount()];
        for (int i = 0; i < key.length; i++) {
            key[i] = rs.getString(i + 1);
        }
        return key;
    }

    private static Object[] params(String[] from, String[] end, int limit) {
        List<Object> p = new ArrayList<>();
        if (from != null) {
            p.addAll(Arrays.asList(from));
        }
        p.addAll(Arrays.asList(end));
        p.add(limit);
        return p.toArray();
    }

    /**
     * Under a rows/s cap a batch changes at most one batch time's worth of the cap (judged by the share of rows
     * the last batch changed), so that the cap spreads the writes instead of allowing a burst and a long sleep.
     */
    private int bounded(int rows, long rowsPerSecond, double matching) {
        if (rowsPerSecond <= 0) {
            return rows;
        }
        double perBatch = rowsPerSecond * options.chunkTarget().toMillis() / 1000.0 / Math.max(matching, 0.01);
        return (int) Math.max(1, Math.min(rows, perBatch));
    }

    private static void pace(long rows, long tookNanos, long rowsPerSecond) {
        if (rowsPerSecond > 0) {
            long nanos = rows * 1_000_000_000L / rowsPerSecond - tookNanos;
            if (nanos > 0) {
                sleep(nanos / 1_000_000);
            }
        }
    }

    /** 20 ms doubling per attempt up to 2 s, with jitter, so that retries do not line up with the writers'. */
    private static long backoffMillis(int attempt) {
        long ceiling = Math.min(2_000, 20L << Math.min(attempt, 7));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DoppelException(Reason.INTERRUPTED, "stopped by request between batches", e);
        }
    }
}
