package dev.doppel.engine.capture;

import dev.doppel.engine.Options;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.sql.LogicalSql;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the change source a migration records with, and removes whatever either kind left on the server: the only
 * place outside the two sources that knows there are two kinds.
 */
public final class Captures {

    private Captures() {
    }

    public static ChangeSource open(Options.Capture mode, DataSource dataSource, Session control, MigrationSql sql,
                                    LockRetry lockRetry, String slot) {
        return mode == Options.Capture.LOGICAL ? new LogicalSource(dataSource, control, sql, lockRetry, slot)
                : new TriggerLogSource(control, sql, lockRetry);
    }

    /** The replication slot a capture of this mode uses for the table in this database; null for triggers. */
    public static String slotFor(Options.Capture mode, Session s, ObjectNames names) throws SQLException {
        return mode == Options.Capture.LOGICAL ? LogicalSource.slotName(s, names) : null;
    }

    /** Whether a capture recorded with {@code slot} lost it, and with it the changes made since it went. */
    public static boolean lost(Session s, String slot) throws SQLException {
        return slot != null && !LogicalSource.slotExists(s, slot);
    }

    /**
     * Removes the capture trigger (in short lock attempts on the source, when it still exists), its function and
     * change log, and the replication slot and publication; returns what was there, as the user reads it.
     */
    public static List<String> remove(Session control, LockRetry lockRetry, ObjectNames names, long sourceOid)
            throws SQLException {
        List<String> removed = new ArrayList<>();
        String source = control.text("SELECT oid::regclass::text FROM pg_class WHERE oid = ?", sourceOid);
        if (source != null && control.number("SELECT count(*) FROM pg_trigger WHERE tgrelid = ? AND tgname = ?",
                sourceOid, names.rowTrigger()) > 0) {
            removed.add("capture trigger on " + source);
        }
        if (control.exists(names.log())) {
            removed.add("change log " + names.log());
        }
        if (source != null) {
            lockRetry.run("removing the capture trigger from " + source, s -> {
                for (String statement : MigrationSql.dropCapture(names, source)) {
                    s.execute(statement);
                }
                return Boolean.TRUE;
            }, LockRetry.NOTHING_BETWEEN);
        }
        control.execute("DROP FUNCTION IF EXISTS " + names.captureFunction() + "()");
        control.execute("DROP TABLE IF EXISTS " + names.log());
        String slot = LogicalSource.slotName(control, names);
        if (LogicalSource.slotExists(control, slot)) {
            removed.add("replication slot " + slot);
        }
        if (control.number(LogicalSql.publicationExists(), names.publication()) > 0) {
            removed.add("publication " + names.publication());
        }
        LogicalSource.remove(control, names);
        return removed;
    }
}
