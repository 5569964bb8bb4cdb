package dev.doppel.engine.copy;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Options;
import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationStore;
import dev.doppel.engine.state.PartitionCopy;
import dev.doppel.engine.throttle.Throttler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies the source into the shadow in keyset order, one chunk per short transaction that also records the
 * checkpoint, so every chunk is copied exactly once and no long snapshot holds back vacuum; a partitioned source
 * leaf by leaf, each with a checkpoint of its own. Before each chunk the throttler may hold it; after each, the copy
 * sleeps as long as its rows/s cap asks.
 */
public final class RowCopier {

    private static final Logger log = LoggerFactory.getLogger(RowCopier.class);

    private record Chunk(long rows, String[] lastKey) {
    }

    private final Session session;
    private final MigrationSql sql;
    private final Options options;
    private final long migrationId;
    private final String table;
    private final Throttler throttler;

    public RowCopier(Session session, MigrationSql sql, Options options, long migrationId, String table,
                     Throttler throttler) {
        this.session = session;
        this.sql = sql;
        this.options = options;
        this.migrationId = migrationId;
        this.table = table;
        this.throttler = throttler;
    }

    /** One pass of the copy: its chunk sizes, the rows it copied and its rate, across the leaves of a tree. */
    private final class Pass {
        final ChunkPacer pacer = new ChunkPacer(throttler, options);
        final long started = System.nanoTime();
        final long alreadyCopied;
        final long estimatedRows;
        final MigrationListener listener;
        long total;

        Pass(long alreadyCopied, long estimatedRows, MigrationListener listener) {
            this.alreadyCopied = alreadyCopied;
            this.estimatedRows = estimatedRows;
            this.listener = listener;
        }

        long rate() {
            double seconds = (System.nanoTime() - started) / 1e9;
            return seconds > 0 ? Math.round(total / seconds) : 0;
        }
    }

    /**
     * Copies every row after {@code checkpoint} (from the start when null); returns the number copied now.
     * {@code alreadyCopied} rows from an earlier run only count toward the progress reported.
     */
    public long copyAll(String[] checkpoint, long alreadyCopied, long estimatedRows, MigrationListener listener)
            throws SQLException {
        String[] end = session.one(sql.endKey(), RowCopier::key);
        Pass pass = new Pass(alreadyCopied, estimatedRows, listener);
        if (end != null) {
            copyRange(pass, sql, checkpoint, end, null);
        }
        return pass.total;
    }

    /**
     * Copies a partitioned source leaf by leaf, each in key order from the leaf itself up to its own end key, taken
     * when its copy starts (capture records every write by then, so a row past it has its key logged). Each chunk
     * commits with its leaf's checkpoint: a resumed copy skips the leaves done and goes on in the one it was in.
     * Returns the rows copied now.
     */
    public long copyPartitions(List<PartitionTree.Partition> leaves, long alreadyCopied, long estimatedRows,
                               MigrationListener listener) throws SQLException {
        MigrationStore.planPartitions(session, migrationId, leaves.stream().map(PartitionTree.Partition::display)
                .toList());
        Map<String, PartitionCopy> recorded = new HashMap<>();
        MigrationStore.partitions(session, migrationId).forEach(p -> recorded.put(p.partition(), p));
        Pass pass = new Pass(alreadyCopied, estimatedRows, listener);
        for (int i = 0; i < leaves.size(); i++) {
            PartitionTree.Partition leaf = leaves.get(i);
            PartitionCopy state = recorded.get(leaf.display());
            if (state.state() == PartitionCopy.State.COPIED) {
                continue;
            }
            listener.copyingPartition(leaf.display(), i + 1, leaves.size());
            MigrationSql leafSql = sql.copyOf(leaf);
            String[] from = null;
            String[] end;
            if (state.state() == PartitionCopy.State.WAITING) {
                end = session.one(leafSql.endKey(), RowCopier::key);
                MigrationStore.partitionStarted(session, migrationId, leaf.display(), end);
            } else {
                end = state.endKey().toArray(String[]::new);
                from = state.checkpoint() == null ? null : state.checkpoint().toArray(String[]::new);
            }
            if (end != null) {
                log.debug("copying partition {} ({} of {}) up to key {}", leaf.display(), i + 1, leaves.size(),
                        Arrays.toString(end));
                copyRange(pass, leafSql, from, end, leaf.display());
                MigrationStore.partitionCopied(session, migrationId, leaf.display());
            }
        }
        return pass.total;
    }

    /**
     * Copies {@code copy}'s rows after {@code from} up to {@code end}, chunk by chunk, each with the checkpoint of
     * {@code partition} (null: of the plain table).
     */
    private void copyRange(Pass pass, MigrationSql copy, String[] from, String[] end, String partition)
            throws SQLException {
        String[] last = from;
        while (true) {
            DoppelException.stopIfInterrupted("copying");
            int limit = pass.pacer.next();
            Chunk chunk = copyChunk(copy, last, end, limit, pass.rate(), partition);
            if (chunk.rows() == 0) {
                return;
            }
            pass.total += chunk.rows();
            last = chunk.lastKey();
            long took = pass.pacer.done(chunk.rows());
            double seconds = (System.nanoTime() - pass.started) / 1e9;
            pass.listener.chunk(chunk.rows(), took / 1_000_000);
            pass.listener.copied(pass.alreadyCopied + pass.total, pass.estimatedRows,
                    seconds > 0 ? pass.total / seconds : 0);
            if (chunk.rows() < limit) {
                return;
            }
        }
    }

    private Chunk copyChunk(MigrationSql copy, String[] from, String[] end, int limit, long rate, String partition)
            throws SQLException {
        try {
            return session.transaction(s -> {
                Chunk c = s.one(copy.copyChunk(from == null, true), rs -> {
                    String[] key = new String[rs.getMetaData().getColumnCount() - 1];
                    for (int i = 0; i < key.length; i++) {
                        key[i] = rs.getString(i + 2);
                    }
                    return new Chunk(rs.getLong(1), key);
                }, MigrationSql.copyChunkParams(from, end, limit));
                if (c == null) {
                    return new Chunk(0, from);
                }
                if (partition == null) {
                    s.update(MigrationStore.checkpointSql(), c.lastKey(), c.rows(), rate, migrationId);
                } else {
                    s.update(MigrationStore.partitionCheckpointSql(), c.lastKey(), c.rows(), migrationId, partition,
                            c.rows(), rate, migrationId);
                }
                return c;
            });
        } catch (SQLException e) {
            if (!dataError(e)) {
                // A lock wait, a timeout, a full disk, a lost connection: nothing wrong with the data; stop resumable.
                throw e;
            }
            throw failedRow(copy, from, limit, e);
        }
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the rows do not fit the change. */
    public static boolean dataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** Bisects a failed chunk (in a transaction that is rolled back) to name the row that fails and why. */
    private DoppelException failedRow(MigrationSql copy, String[] from, int limit, SQLException chunkError)
            throws SQLException {
        record Found(int offset, String error) {
        }
        Found found = session.rolledBack(s -> {
            int lo = 0;
            int hi = limit;
            String error = chunkError.getMessage();
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                Savepoint sp = s.connection().setSavepoint();
                try {
                    s.update(copy.copyRows(from == null), withLimitOffset(from, mid - lo, lo));
                    lo = mid;
                } catch (SQLException e) {
                    hi = mid;
                    error = e.getMessage();
                }
                s.connection().rollback(sp);
            }
            return new Found(lo, error);
        });
        List<String> row = session.one(copy.describeRow(from == null),
                rs -> List.of(rs.getString(1), rs.getString(2)), withOffset(from, found.offset()));
        String where = row == null ? "a row after key " + Arrays.toString(from) : "key " + row.get(0) + " (row "
                + abbreviate(row.get(1)) + ")";
        return new DoppelException(Reason.COPY_FAILED, "copying " + table + " into the new schema failed at " + where + ": "
                + found.error() + ". The source table is untouched; fix the USING expression or the data, then run"
                + " again", chunkError);
    }

    private static String[] key(ResultSet rs) throws SQLException {
        String[] key = new String[rs.getMetaData().getColumnCount()];
        for (int i = 0; i < key.length; i++) {
            key[i] = rs.getString(i + 1);
        }
        return key;
    }

    private static Object[] params(String[] from, int limit) {
        List<Object> p = new ArrayList<>();
        if (from != null) {
            p.addAll(Arrays.asList(from));
        }
        p.add(limit);
        return p.toArray();
    }

    private static Object[] withLimitOffset(String[] from, int limit, int offset) {
        List<Object> p = new ArrayList<>(Arrays.asList(params(from, limit)));
        p.add(offset);
        return p.toArray();
    }

    private static Object[] withOffset(String[] from, int offset) {
        List<Object> p = new ArrayList<>();
        if (from != null) {
            p.addAll(Arrays.asList(from));
        }
        p.add(offset);
        return p.toArray();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
