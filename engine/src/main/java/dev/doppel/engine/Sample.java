package dev.doppel.engine;

import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.shadow.DeferredObject;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The real work timed on the first rows of the table and scaled to its estimated size: the plan's time estimates.
 * The rewrite's sample runs the migration's own copy, index and digest statements in the plan's rolled-back
 * transaction; an in-place change's sample is a read of the rows, as a scan makes.
 *
 * @param rows        rows the sample covered (0: an empty table, nothing to scale)
 * @param copyNanos   copying them into the bare shadow
 * @param indexNanos  building the shadow's indexes and constraints over them
 * @param readNanos   reading them as verification (a digest) or a validating scan does
 */
record Sample(long rows, long copyNanos, long indexNanos, long readNanos) {

    static final int ROWS = 20_000;

    /** Runs inside a savepoint the caller rolls back to if it fails (a USING error on these rows, duplicates). */
    static Sample ofRewrite(Session s, MigrationSql sql, List<DeferredObject> deferred) throws SQLException {
        long start = System.nanoTime();
        Long rows = s.one(sql.copyChunk(true, false), rs -> rs.getLong(1),
                MigrationSql.copyChunkParams(null, null, ROWS));
        long copied = System.nanoTime();
        for (DeferredObject d : deferred) {
            s.execute(d.create());
        }
        long indexed = System.nanoTime();
        s.query(sql.total(false, MigrationSql.Digest.TEXT, Set.of(), MigrationSql.Rows.ALL), rs -> null);
        return new Sample(rows == null ? 0 : rows, copied - start, indexed - copied, System.nanoTime() - indexed);
    }

    static Sample ofScan(Session s, TableInfo source) throws SQLException {
        long start = System.nanoTime();
        long rows = s.number("SELECT count(*) FROM (SELECT t FROM " + source.qualified() + " t LIMIT " + ROWS + ") x");
        return new Sample(rows, 0, 0, System.nanoTime() - start);
    }

    /** {@code nanos} spent on the sample, scaled to {@code total} rows, in milliseconds. */
    long scale(long nanos, long total) {
        return rows == 0 ? 0 : Math.round(nanos / 1e6 * Math.max(total, rows) / rows);
    }
}
