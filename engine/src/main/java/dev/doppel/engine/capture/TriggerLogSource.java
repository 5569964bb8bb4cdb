package dev.doppel.engine.capture;

import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;

/**
 * Capture by trigger: AFTER ROW triggers (plus TRUNCATE) append keys to {@code doppel.log_<oid>}. CREATE TRIGGER
 * takes SHARE ROW EXCLUSIVE on the source, so it is taken in short attempts like the cut-over's lock.
 */
public final class TriggerLogSource implements ChangeSource {

    private final Session session;
    private final MigrationSql sql;
    private final LockRetry lock;

    public TriggerLogSource(Session session, MigrationSql sql, LockRetry lock) {
        this.session = session;
        this.sql = sql;
        this.lock = lock;
    }

    @Override
    public void install() throws SQLException {
        session.execute(sql.createLog());
        session.execute(sql.createCaptureFunction());
        lock.run("installing the capture trigger on " + sql.src(), s -> {
            for (String statement : sql.createTriggers()) {
                s.execute(statement);
            }
            return Boolean.TRUE;
        }, () -> { });
    }
}
