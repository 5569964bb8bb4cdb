package dev.doppel.engine.cutover;

import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.BoundSql;
import dev.doppel.engine.sql.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import dev.doppel.engine.DoppelException;
import java.time.Duration;
import java.util.List;


/**
 * Drops a retained table in steps, each under a lock taken in short attempts: its indexes one at a time, then its
 * rows (TRUNCATE), then the empty table. Each step removes a share of the table's files; for a large table doppel
 * pauses between steps so that the file removals do not arrive at the disk all at once, and no step holds a lock
 * for longer than its own catalog change.
 */
public final class OldTableDrop {

    private static final Logger log = LoggerFactory.getLogger(OldTableDrop.class);
    /** From this size on (table, indexes and TOAST together) the steps are spaced out. */
    static final long LARGE_BYTES = 1L << 30;

    private final Session session;
    private final LockRetry lockRetry;
    private final Duration pause;

    /** @param pause the time between steps for a large table */
    public OldTableDrop(Session session, LockRetry lockRetry, Duration pause) {
        this.session = session;
        this.lockRetry = lockRetry;
        this.pause = pause;
    }

    /** Drops {@code table} (qualified, quoted) if it exists; returns its total size in bytes before, or -1. */
    public long drop(String table) throws SQLException {
        if (!session.exists(table)) {
            return -1;
        }
        // A TRUNCATE would empty it under whatever still reads it (a view, a policy, a function bound to its OID).
        List<String> users = session.query(BoundSql.elsewhere(true), rs -> rs.getString(1),
                session.number("SELECT to_regclass(?)::oid", table));
        if (!users.isEmpty()) {
            throw new DoppelException(Reason.UNSUPPORTED_DEPENDENTS, "kept " + table + ": " + String.join(", ", users)
                    + " still " + (users.size() == 1 ? "reads" : "read") + " it (bound to the table itself, not its"
                    + " name). Drop or re-create " + (users.size() == 1 ? "it" : "them") + " against the live table,"
                    + " then clean up again");
        }
        // A partitioned table's bytes are its partitions'.
        long bytes = session.number("SELECT pg_total_relation_size(t) + coalesce((SELECT sum(pg_total_relation_size("
                + "p.relid)) FROM pg_partition_tree(t) p WHERE p.relid <> t), 0) FROM to_regclass(?) t", table);
        boolean spaced = bytes >= LARGE_BYTES;
        List<String> steps = session.query("SELECT CASE WHEN c.conname IS NULL"
                + " THEN 'DROP INDEX ' || i.indexrelid::regclass::text"
                + " ELSE 'ALTER TABLE ' || i.indrelid::regclass::text || ' DROP CONSTRAINT ' || quote_ident(c.conname) END"
                + " FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid"
                + " WHERE i.indrelid = to_regclass(?) ORDER BY i.indexrelid", rs -> rs.getString(1), table);
        for (String step : steps) {
            step(step, spaced);
        }
        step("TRUNCATE " + table, spaced);
        step("DROP TABLE IF EXISTS " + table, false);
        log.info("dropped {} ({} bytes) in {} steps", table, bytes, steps.size() + 2);
        return bytes;
    }

    private void step(String statement, boolean spaced) throws SQLException {
        lockRetry.run(statement, s -> {
            s.execute(statement);
            return Boolean.TRUE;
        }, LockRetry.NOTHING_BETWEEN);
        if (spaced) {
            DoppelException.pause(pause, "dropping a table in steps");
        }
    }
}
