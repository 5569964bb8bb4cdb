package dev.doppel.engine.copy;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Options;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationStore;
import dev.doppel.engine.throttle.Throttler;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Copies the source into the shadow in keyset order, one chunk per short transaction that also records the
 * checkpoint, so every chunk is copied exactly once and no long snapshot holds back vacuum. Before each chunk the
 * throttler may hold it; after each, the copy sleeps as long as its rows/s cap asks.
 */
public final class RowCopier {

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

    /**
     * Copies every row after {@code checkpoint} (from the start when null); returns the number copied now.
     * {@code alreadyCopied} rows from an earlier run only count toward the progress reported.
     */
    public long copyAll(String[] checkpoint, long alreadyCopied, long estimatedRows, MigrationListener listener)
            throws SQLException {
        String[] end = session.one(sql.endKey(), RowCopier::key);
        if (end == null) {
            return 0;
        }
        ChunkPacer pacer = new ChunkPacer(throttler, options);
        String[] last = checkpoint;
        long total = 0;
        long started = System.nanoTime();
        while (true) {
            DoppelException.stopIfInterrupted("copying");
            int limit = pacer.next();
            double secondsSoFar = (System.nanoTime() - started) / 1e9;
            Chunk chunk = copyChunk(last, end, limit, secondsSoFar > 0 ? Math.round(total / secondsSoFar) : 0);
            if (chunk.rows() == 0) {
                return total;
            }
            total += chunk.rows();
            last = chunk.lastKey();
            long took = pacer.done(chunk.rows());
            double seconds = (System.nanoTime() - started) / 1e9;
            listener.chunk(chunk.rows(), took / 1_000_000);
            listener.copied(alreadyCopied + total, estimatedRows, seconds > 0 ? total / seconds : 0);
            if (chunk.rows() < limit) {
                return total;
            }
        }
    }

    private Chunk copyChunk(String[] from, String[] end, int limit, long rate) throws SQLException {
        try {
            return session.transaction(s -> {
                Chunk c = s.one(sql.copyChunk(from == null, true), rs -> {
                    String[] key = new String[rs.getMetaData().getColumnCount() - 1];
                    for (int i = 0; i < key.length; i++) {
                        key[i] = rs.getString(i + 2);
                    }
                    return new Chunk(rs.getLong(1), key);
                }, MigrationSql.copyChunkParams(from, end, limit));
                if (c == null) {
                    return new Chunk(0, from);
                }
                s.update(MigrationStore.checkpointSql(), c.lastKey(), c.rows(), rate, migrationId);
                return c;
            });
        } catch (SQLException e) {
            if (!dataError(e)) {
                // A lock wait, a timeout, a full disk, a lost connection: nothing wrong with the data; stop resumable.
                throw e;
            }
            throw failedRow(from, limit, e);
        }
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the rows do not fit the change. */
    public static boolean dataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** Bisects a failed chunk (in a transaction that is rolled back) to name the row that fails and why. */
    private DoppelException failedRow(String[] from, int limit, SQLException chunkError) throws SQLException {
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
                    s.update(sql.copyRows(from == null), withLimitOffset(from, mid - lo, lo));
                    lo = mid;
                } catch (SQLException e) {
                    hi = mid;
                    error = e.getMessage();
                }
                s.connection().rollback(sp);
            }
            return new Found(lo, error);
        });
        List<String> row = session.one(sql.describeRow(from == null),
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
