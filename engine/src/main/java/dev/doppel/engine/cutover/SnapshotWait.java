package dev.doppel.engine.cutover;

import dev.doppel.engine.sql.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import dev.doppel.engine.DoppelException;
import java.time.Duration;
import java.util.List;

/**
 * A REPEATABLE READ or SERIALIZABLE transaction whose snapshot predates the swap and that first reads the table
 * after it would see the new table as of its snapshot: empty. Before swapping, wait (bounded) for backends holding
 * snapshots older than the cut-over's start, and report those that remain.
 */
public final class SnapshotWait {

    private static final Logger log = LoggerFactory.getLogger(SnapshotWait.class);

    private final Session session;

    public SnapshotWait(Session session) {
        this.session = session;
    }

    /** Returns the backends still holding an older snapshot when the wait ended (empty when none). */
    public List<String> await(Duration max) throws SQLException {
        String xid = session.text("SELECT (txid_current() % 4294967296)::text");
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            List<String> old = session.query("SELECT pid || ' (' || coalesce(usename, '?') || ', ' || state || ', '"
                            + " || left(regexp_replace(query, '\\s+', ' ', 'g'), 60) || ')' FROM pg_stat_activity"
                            + " WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' AND datname = current_database()"
                            + " AND backend_xmin IS NOT NULL AND age(backend_xmin) > age(?::xid)",
                    rs -> rs.getString(1), xid);
            if (old.isEmpty() || System.nanoTime() > deadline) {
                if (!old.isEmpty()) {
                    log.warn("swapping although {} backend(s) hold snapshots older than the cut-over; a REPEATABLE"
                            + " READ transaction among them that first reads the table after the swap sees it as of"
                            + " its snapshot: {}", old.size(), old);
                }
                return old;
            }
            DoppelException.pause(Duration.ofMillis(50), "waiting for older snapshots");
        }
    }
}
