package dev.doppel.engine.fleet;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Outcome;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;

import java.sql.SQLException;

/**
 * What one target's own catalog and {@code doppel} schema say about the fleet's change: the table (null when it is
 * missing), the newest migration of this change on it (null when none), and whether that migration made the change
 * and the table still has the definition it left (the test {@code doppel run} makes before calling a change done).
 */
record TargetReading(TableInfo table, MigrationRecord migration, boolean done) {

    static TargetReading read(Session s, FleetChange change) throws SQLException {
        TableInfo table;
        try {
            table = new CatalogReader(s).read(change.table());
        } catch (DoppelException e) {
            if (e.reason() == Reason.TABLE_NOT_FOUND) {
                return new TargetReading(null, null, false);
            }
            throw e;
        }
        MigrationStore store = new MigrationStore(s);
        MigrationRecord latest = store.latestOf(table.oid(), table.qualified(), change.hash());
        boolean done = latest != null && latest.outcome() == Outcome.SUCCEEDED
                && table.fingerprint().equals(store.resultFingerprint(latest.id()));
        return new TargetReading(table, latest, done);
    }

    /** A migration of this change that has not finished: stopped, running, or waiting at ready. */
    boolean unfinished() {
        return migration != null && !migration.finished();
    }
}
