package dev.doppel.engine.capture;

import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.verify.QuietPoint;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Capture by trigger: AFTER ROW triggers (plus TRUNCATE) append keys to {@code doppel.log_<oid>}. CREATE TRIGGER
 * takes SHARE ROW EXCLUSIVE on the source, so it is taken in short attempts like the cut-over's lock. A write's
 * key is in the log when the write commits: there is nothing to start, stop or catch up with, and the swap itself
 * drops the trigger.
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
    public String installing() {
        return "installing the capture trigger";
    }

    @Override
    public String installLock() {
        return "capture trigger install (SHARE ROW EXCLUSIVE)";
    }

    @Override
    public String keepsChanges() {
        return "the capture trigger keeps recording changes";
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
        }, LockRetry.NOTHING_BETWEEN);
    }

    @Override
    public void start() {
        // The trigger records in the writer's own transaction.
    }

    @Override
    public boolean catchUp(Duration timeout) {
        return true;
    }

    @Override
    public QuietPoint quietPoint(LockRetry lock, Duration maxHeld, LockRetry.Report report) {
        return QuietPoint.ANY;
    }

    @Override
    public void afterSwap() {
        // The swap dropped the trigger in its own transaction.
    }

    @Override
    public void close() {
        // Nothing runs in doppel's process.
    }
}
