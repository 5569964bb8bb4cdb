package dev.doppel.engine;

import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.sql.AdvisoryLock;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The connections a migration, an in-place change or a revert works through, set up the same way for each:
 * {@code control} for the advisory locks, the state and short lock attempts on the source; {@code worker} for the
 * copy, the re-sync and the builds. Closing it releases the advisory locks it claimed.
 */
final class Workspace implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Workspace.class);

    final Session control;
    final Session worker;
    final MigrationStore store;
    final LockRetry lockRetry;
    private final Options options;
    private final Deque<ObjectNames> claimed = new ArrayDeque<>();

    private Workspace(Session control, Session worker, Options options) {
        this.control = control;
        this.worker = worker;
        this.options = options;
        this.store = new MigrationStore(control);
        this.lockRetry = options.lockRetry(control);
    }

    static Workspace open(DataSource dataSource, Options options) throws SQLException {
        Session control = Session.open(dataSource, "control");
        try {
            Session worker = Session.open(dataSource, "worker");
            try {
                // Each chunk commits with its checkpoint: losing the last few to a crash loses nothing but time.
                worker.execute("SET synchronous_commit = off");
                // A safety net for runaway statements; chunks and re-sync batches take well under a second.
                worker.execute("SET lock_timeout = '5s'");
                worker.execute("SET statement_timeout = '10min'");
                worker.execute("SET maintenance_work_mem = " + Identifiers.literal(options.maintenanceWorkMem()));
                return new Workspace(control, worker, options);
            } catch (SQLException | RuntimeException e) {
                worker.close();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            control.close();
            throw e;
        }
    }

    /**
     * Takes the table's advisory lock or refuses, naming {@code what}; from here on every lock the control session
     * asks for on the source is a short attempt.
     */
    void claim(ObjectNames names, String what) throws SQLException {
        AdvisoryLock.claim(control, names, what);
        claimed.push(names);
        control.execute("SET lock_timeout = " + Identifiers.literal(options.lockTimeout().toMillis() + "ms"));
    }

    /**
     * Releases the advisory locks, then the connections. A session-level advisory lock ends with its session, so
     * when the control connection is gone (a server restart, a network cut) there is nothing to release, and the
     * error that stopped the work is the one to report.
     */
    @Override
    public void close() throws SQLException {
        try {
            while (!claimed.isEmpty()) {
                ObjectNames names = claimed.pop();
                try {
                    AdvisoryLock.release(control, names);
                } catch (SQLException e) {
                    log.warn("could not release the advisory lock of table oid {} ({}); it ends with the lost session",
                            names.oid(), e.getMessage());
                }
            }
        } finally {
            try {
                worker.close();
            } finally {
                control.close();
            }
        }
    }
}
