package dev.doppel.engine.verify;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.copy.ChunkPacer;
import dev.doppel.engine.copy.KeyResync;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.MigrationSql.Digest;
import dev.doppel.engine.sql.MigrationSql.Rows;
import dev.doppel.engine.sql.Session;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Compares source (through the column mapping) and shadow in one snapshot: each side's row count and sum of row
 * hashes, keys with pending log entries left out on both sides (subtracted: every row's sum less the sum of the
 * pending keys' rows, read by key). The two sides are read at the same time on two connections sharing an exported
 * snapshot. When the sums differ, both sides are read again in the same snapshot in buckets by a hash of the target
 * key, to name the differing keys; the migration stops before any swap.
 */
public final class Checksummer {

    private static final int BUCKETS = 256;
    private static final int KEYS_SHOWN = 10;
    private static final String UNDEFINED_FUNCTION = "42883";
    /**
     * The planner cannot tell that a bucket number takes only {@link #BUCKETS} values, expects a group per row and
     * sorts every row (to disk, past work_mem) to group them; hashing the buckets needs a few kilobytes.
     */
    private static final String SMALL_GROUPS = "SET LOCAL enable_sort = off";
    /** Past the largest block number a relation can have. */
    private static final String LAST_TID = "(4294967295,0)";

    /** Rows and the sum of their hashes: of a whole side, or of one bucket. */
    private record Sum(long rows, BigInteger digest) {
        static final Sum NONE = new Sum(0, BigInteger.ZERO);

        Sum plus(Sum other) {
            return new Sum(rows + other.rows, digest.add(other.digest));
        }

        Sum less(Sum pending) {
            return pending == null ? this : new Sum(rows - pending.rows, digest.subtract(pending.digest));
        }

        boolean empty() {
            return rows == 0 && digest.signum() == 0;
        }
    }

    private final Session session;
    private final Session helper;
    private final MigrationSql sql;
    private final String table;
    private final QuietPoint quiet;
    private final ChunkPacer pacer;

    /**
     * {@code helper} reads the shadow side in parallel; it must be a different connection than {@code session}.
     * {@code quiet} decides when the snapshot may be taken. With a {@code pacer} (a throttled migration) the sides
     * are read one after the other, range of blocks by range, held and paced between ranges like the copy;
     * without one, each in one scan at full speed.
     */
    public Checksummer(Session session, Session helper, MigrationSql sql, String table, QuietPoint quiet,
                       ChunkPacer pacer) {
        this.session = session;
        this.helper = helper;
        this.sql = sql;
        this.table = table;
        this.quiet = quiet;
        this.pacer = pacer;
    }

    /**
     * Compares both sides; returns null when a TRUNCATE is pending in the snapshot or committed after it, so it must
     * drain and retry.
     */
    public VerifyResult verify() throws SQLException {
        long t0 = System.nanoTime();
        return session.transaction(Connection.TRANSACTION_REPEATABLE_READ, s -> {
            s.execute("SET TRANSACTION READ ONLY");
            // Reads only, under ACCESS SHARE: on a very large table it may take long, and it blocks no writer.
            s.execute("SET LOCAL statement_timeout = 0");
            s.execute(SMALL_GROUPS);
            long[] backlog = new long[1];
            quiet.hold(() -> backlog[0] = s.number(sql.backlog()));
            long pending = backlog[0];
            if (s.number(sql.truncatePending()) > 0) {
                return null;
            }
            String snapshot = s.text("SELECT pg_export_snapshot()");
            // The catalog is read as it is now, not in the snapshot: a TRUNCATE (which empties the table for older
            // snapshots too) committed before the scan takes its lock gives the table a new file.
            String files = s.text(sql.dataFiles());
            Set<String> byText = Set.copyOf(s.query(sql.spelledColumns(), rs -> rs.getString(1)));
            Digest digest = Digest.BINARY;
            List<Sum> sides;
            Savepoint sp = s.connection().setSavepoint();
            try {
                sides = bothSides(s, snapshot, digest, byText);
            } catch (SQLException e) {
                if (!UNDEFINED_FUNCTION.equals(e.getSQLState())) {
                    throw e;
                }
                // A column type without a hash function: compare the rows' text instead.
                s.connection().rollback(sp);
                digest = Digest.TEXT;
                sides = bothSides(s, snapshot, digest, byText);
            }
            if (!files.equals(s.text(sql.dataFiles()))) {
                return null;
            }
            Sum source = sides.get(0);
            Sum shadow = sides.get(1);
            if (!source.equals(shadow)) {
                throw mismatch(s, digest, byText, source, shadow, pending);
            }
            return new VerifyResult(source.rows(), shadow.rows(), pending, (System.nanoTime() - t0) / 1_000_000);
        });
    }

    /**
     * The sums differ: both sides read again in buckets, in the same snapshot (this transaction's), to name up to
     * {@link #KEYS_SHOWN} keys in the buckets that differ.
     */
    private DoppelException mismatch(Session s, Digest digest, Set<String> byText, Sum source, Sum shadow,
                                     long pending) throws SQLException {
        KeyResync.refuseDisabledCapture(s, sql);
        String keyHash = keyHash(s);
        Map<Integer, Sum> sourceBuckets = buckets(s, true, digest, keyHash, byText);
        Map<Integer, Sum> shadowBuckets = buckets(s, false, digest, keyHash, byText);
        List<Integer> differing = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            if (!Objects.equals(sourceBuckets.get(b), shadowBuckets.get(b))) {
                differing.add(b);
            }
        }
        Integer[] buckets = differing.toArray(Integer[]::new);
        List<String> keys = s.query(sql.differingKeys(digest, keyHash, BUCKETS, KEYS_SHOWN, byText),
                rs -> rs.getString(1) + (rs.getBoolean(2) ? " (only in the shadow)" : rs.getBoolean(3)
                        ? " (missing from the shadow)" : " (values differ)")
                        + (rs.getString(4) == null ? "" : " in partition " + rs.getString(4)),
                s.connection().createArrayOf("int", buckets), s.connection().createArrayOf("int", buckets));
        return new DoppelException(Reason.VERIFY_MISMATCH, "verification failed for " + table + ": source has "
                + source.rows() + " rows, shadow " + shadow.rows() + " (outside " + pending + " pending changes); "
                + "differing keys: " + String.join(", ", keys) + ". Nothing was swapped; the source is"
                + " untouched. Please report this with the migration's log");
    }

    /**
     * The source side on this transaction, the shadow side on the helper in the same snapshot: concurrently, or
     * one after the other when paced.
     */
    private List<Sum> bothSides(Session s, String snapshot, Digest digest, Set<String> byText) throws SQLException {
        if (pacer != null) {
            Sum sourceSide = settled(s, true, digest, byText);
            return List.of(sourceSide, helper.transaction(Connection.TRANSACTION_REPEATABLE_READ,
                    h -> inSnapshot(h, snapshot, () -> settled(h, false, digest, byText))));
        }
        CompletableFuture<Sum> shadowSide = CompletableFuture.supplyAsync(() -> {
            try {
                return helper.transaction(Connection.TRANSACTION_REPEATABLE_READ,
                        h -> inSnapshot(h, snapshot, () -> settled(h, false, digest, byText)));
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        });
        Sum sourceSide;
        try {
            sourceSide = settled(s, true, digest, byText);
        } finally {
            try {
                shadowSide.join();
            } catch (CompletionException ignored) {
                // Reported below, or superseded by the source side's own failure.
            }
        }
        try {
            return List.of(sourceSide, shadowSide.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sqlException) {
                throw sqlException;
            }
            throw e;
        }
    }

    /**
     * The key type's own hash function, qualified and quoted, for a one-column key of a type that has one; null
     * otherwise, and the key is hashed as a record (which costs as much as hashing the row).
     */
    private String keyHash(Session s) throws SQLException {
        String column = sql.singleTargetKey();
        if (column == null) {
            return null;
        }
        List<String> function = s.query(sql.keyHashFunction(),
                rs -> Identifiers.qualified(rs.getString(1), rs.getString(2)), column);
        return function.isEmpty() ? null : function.get(0);
    }

    /** A side read by the helper: in the source side's snapshot, read only, without a statement timeout. */
    private static <T> T inSnapshot(Session h, String snapshot, Read<T> read) throws SQLException {
        h.execute("SET TRANSACTION READ ONLY");
        h.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
        h.execute("SET LOCAL statement_timeout = 0");
        return read.run();
    }

    @FunctionalInterface
    private interface Read<T> {
        T run() throws SQLException;
    }

    /** The settled rows' sum: every row's less the pending keys' rows' (an index lookup per pending key). */
    private Sum settled(Session s, boolean sourceSide, Digest digest, Set<String> byText) throws SQLException {
        Sum all = pacer == null ? sum(s, sql.total(sourceSide, digest, byText, Rows.ALL))
                : paced(s, sourceSide, digest, byText);
        return all.less(sum(s, sql.total(sourceSide, digest, byText, Rows.PENDING)));
    }

    /**
     * Every row's sum, read range of blocks by range at the pace the copy keeps: each range holds about the rows
     * the pacer allows, judged by the side's rows per block.
     */
    private Sum paced(Session s, boolean sourceSide, Digest digest, Set<String> byText) throws SQLException {
        long blocks = s.number(sql.blocks(sourceSide));
        double rowsPerBlock = Math.max(1, s.number(sql.rowsPerBlock(sourceSide)));
        String range = sql.totalOfBlocks(sourceSide, digest, byText);
        Sum out = Sum.NONE;
        for (long from = 0; from < blocks; ) {
            DoppelException.stopIfInterrupted("verifying " + table);
            long to = Math.min(blocks, from + Math.max(1, (long) (pacer.next() / rowsPerBlock)));
            // The last range is open-ended: a snapshot sees no row past the blocks counted after it was taken.
            Sum part = sum(s, range, "(" + from + ",0)", to == blocks ? LAST_TID : "(" + to + ",0)");
            out = out.plus(part);
            pacer.done(part.rows());
            from = to;
        }
        return out;
    }

    private static Sum sum(Session s, String totalSql, Object... params) throws SQLException {
        return s.one(totalSql, rs -> new Sum(rs.getLong(1), new BigInteger(rs.getString(2))), params);
    }

    /** The settled rows' sums per bucket, both read on {@code s}: every row's less the pending keys' rows'. */
    private Map<Integer, Sum> buckets(Session s, boolean sourceSide, Digest digest, String keyHash,
                                      Set<String> byText) throws SQLException {
        Map<Integer, Sum> all = bucketSums(s, sql.digest(sourceSide, digest, keyHash, BUCKETS, byText, Rows.ALL));
        Map<Integer, Sum> pending = bucketSums(s, sql.digest(sourceSide, digest, keyHash, BUCKETS, byText,
                Rows.PENDING));
        Map<Integer, Sum> settled = new HashMap<>();
        all.forEach((b, bucket) -> {
            Sum rest = bucket.less(pending.get(b));
            if (!rest.empty()) {
                settled.put(b, rest);
            }
        });
        return settled;
    }

    private static Map<Integer, Sum> bucketSums(Session s, String digestSql) throws SQLException {
        Map<Integer, Sum> out = new HashMap<>();
        for (Object[] row : s.query(digestSql,
                rs -> new Object[] {rs.getInt(1), new Sum(rs.getLong(2), new BigInteger(rs.getString(3)))})) {
            out.put((Integer) row[0], (Sum) row[1]);
        }
        return out;
    }
}
