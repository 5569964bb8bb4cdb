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
 * Compares source (through the column mapping) and shadow in one snapshot: per-bucket row counts and digest sums,
 * buckets by a hash of the target key, keys with pending log entries left out on both sides (subtracted: every
 * row's digest less the digest of the pending keys' rows, read by key). The two sides are
 * read at the same time on two connections sharing an exported snapshot. A mismatch names the differing keys and
 * stops the migration before any swap.
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

    private record Bucket(long rows, BigInteger digest) {
        Bucket plus(Bucket other) {
            return new Bucket(rows + other.rows, digest.add(other.digest));
        }

        Bucket less(Bucket pending) {
            return pending == null ? this : new Bucket(rows - pending.rows, digest.subtract(pending.digest));
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
            String keyHash = keyHash(s);
            Set<String> byText = Set.copyOf(s.query(sql.spelledColumns(), rs -> rs.getString(1)));
            Digest digest = Digest.BINARY;
            Map<Integer, Bucket> source;
            Map<Integer, Bucket> shadow;
            Savepoint sp = s.connection().setSavepoint();
            try {
                List<Map<Integer, Bucket>> sides = bothSides(s, snapshot, digest, keyHash, byText);
                source = sides.get(0);
                shadow = sides.get(1);
            } catch (SQLException e) {
                if (!UNDEFINED_FUNCTION.equals(e.getSQLState())) {
                    throw e;
                }
                // A column type without a hash function: compare the rows' text instead.
                s.connection().rollback(sp);
                digest = Digest.TEXT;
                List<Map<Integer, Bucket>> sides = bothSides(s, snapshot, digest, keyHash, byText);
                source = sides.get(0);
                shadow = sides.get(1);
            }
            if (!files.equals(s.text(sql.dataFiles()))) {
                return null;
            }
            List<Integer> differing = new ArrayList<>();
            for (int b = 0; b < BUCKETS; b++) {
                if (!Objects.equals(source.get(b), shadow.get(b))) {
                    differing.add(b);
                }
            }
            long sourceRows = source.values().stream().mapToLong(Bucket::rows).sum();
            long shadowRows = shadow.values().stream().mapToLong(Bucket::rows).sum();
            if (!differing.isEmpty()) {
                KeyResync.refuseDisabledCapture(s, sql);
                Integer[] buckets = differing.toArray(Integer[]::new);
                List<String> keys = s.query(sql.differingKeys(digest, keyHash, BUCKETS, KEYS_SHOWN, byText),
                        rs -> rs.getString(1) + (rs.getBoolean(2) ? " (only in the shadow)" : rs.getBoolean(3)
                                ? " (missing from the shadow)" : " (values differ)"),
                        s.connection().createArrayOf("int", buckets), s.connection().createArrayOf("int", buckets));
                throw new DoppelException(Reason.VERIFY_MISMATCH, "verification failed for " + table + ": source has "
                        + sourceRows + " rows, shadow " + shadowRows + " (outside " + pending + " pending changes); "
                        + "differing keys: " + String.join(", ", keys) + ". Nothing was swapped; the source is"
                        + " untouched. Please report this with the migration's log");
            }
            return new VerifyResult(sourceRows, shadowRows, BUCKETS, pending, (System.nanoTime() - t0) / 1_000_000);
        });
    }

    /**
     * The source side on this transaction, the shadow side on the helper in the same snapshot: concurrently, or
     * one after the other when paced.
     */
    private List<Map<Integer, Bucket>> bothSides(Session s, String snapshot, Digest digest, String keyHash,
                                                 Set<String> byText) throws SQLException {
        if (pacer != null) {
            Map<Integer, Bucket> sourceSide = digest(s, true, digest, keyHash, byText);
            return List.of(sourceSide, helper.transaction(Connection.TRANSACTION_REPEATABLE_READ,
                    h -> inSnapshot(h, snapshot, () -> digest(h, false, digest, keyHash, byText))));
        }
        CompletableFuture<Map<Integer, Bucket>> shadowSide = CompletableFuture.supplyAsync(() -> {
            try {
                return helper.transaction(Connection.TRANSACTION_REPEATABLE_READ,
                        h -> inSnapshot(h, snapshot, () -> digest(h, false, digest, keyHash, byText)));
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        });
        Map<Integer, Bucket> sourceSide;
        try {
            sourceSide = digest(s, true, digest, keyHash, byText);
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
        h.execute(SMALL_GROUPS);
        return read.run();
    }

    @FunctionalInterface
    private interface Read<T> {
        T run() throws SQLException;
    }

    /** The settled rows' buckets: every row's less the pending keys' rows' (an index lookup per pending key). */
    private Map<Integer, Bucket> digest(Session s, boolean sourceSide, Digest digest, String keyHash,
                                        Set<String> byText) throws SQLException {
        Map<Integer, Bucket> all = pacer == null
                ? buckets(s, sql.digest(sourceSide, digest, keyHash, BUCKETS, byText, Rows.ALL))
                : paced(s, sourceSide, digest, keyHash, byText);
        Map<Integer, Bucket> pending = buckets(s, sql.digest(sourceSide, digest, keyHash, BUCKETS, byText,
                Rows.PENDING));
        Map<Integer, Bucket> settled = new HashMap<>();
        all.forEach((b, bucket) -> {
            Bucket rest = bucket.less(pending.get(b));
            if (!rest.empty()) {
                settled.put(b, rest);
            }
        });
        return settled;
    }

    /**
     * Every row's buckets, read range of blocks by range at the pace the copy keeps: each range holds about the rows
     * the pacer allows, judged by the side's rows per block.
     */
    private Map<Integer, Bucket> paced(Session s, boolean sourceSide, Digest digest, String keyHash,
                                       Set<String> byText) throws SQLException {
        long blocks = s.number(sql.blocks(sourceSide));
        double rowsPerBlock = Math.max(1, s.number(sql.rowsPerBlock(sourceSide)));
        String range = sql.digestBlocks(sourceSide, digest, keyHash, BUCKETS, byText);
        Map<Integer, Bucket> out = new HashMap<>();
        for (long from = 0; from < blocks; ) {
            DoppelException.stopIfInterrupted("verifying " + table);
            long to = Math.min(blocks, from + Math.max(1, (long) (pacer.next() / rowsPerBlock)));
            // The last range is open-ended: a snapshot sees no row past the blocks counted after it was taken.
            Map<Integer, Bucket> part = buckets(s, range, "(" + from + ",0)", to == blocks ? LAST_TID : "(" + to + ",0)");
            part.forEach((b, bucket) -> out.merge(b, bucket, Bucket::plus));
            pacer.done(part.values().stream().mapToLong(Bucket::rows).sum());
            from = to;
        }
        return out;
    }

    private static Map<Integer, Bucket> buckets(Session s, String digestSql, Object... params) throws SQLException {
        Map<Integer, Bucket> out = new HashMap<>();
        for (Object[] row : s.query(digestSql,
                rs -> new Object[] {rs.getInt(1), new Bucket(rs.getLong(2), new BigInteger(rs.getString(3)))},
                params)) {
            out.put((Integer) row[0], (Bucket) row[1]);
        }
        return out;
    }
}
