package dev.doppel.engine.state;

import dev.doppel.engine.capture.Captures;
import dev.doppel.engine.capture.LogicalSource;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.cutover.MaterializedViews;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.PartitionSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a migration that did not swap leaves on the server — capture, change log, shadow, the check a repack of one
 * partition puts on the default partition beside it — found and removed by
 * abort, cleanup and a resume that must start over. Removing it leaves the source exactly as it was before the
 * migration, plus the writes made meanwhile.
 */
public final class Leftovers {

    private Leftovers() {
    }

    /** Whether a migration of the table left a shadow, a change log or a replication slot. */
    public static boolean exist(Session s, ObjectNames names) throws SQLException {
        return s.exists(names.shadow()) || s.exists(names.log())
                || LogicalSource.slotExists(s, LogicalSource.slotName(s, names))
                || !s.query(PartitionSql.constraintNamed(), rs -> rs.getString(1), names.defaultGuard()).isEmpty();
    }

    /** Removes them (the caller holds the table's advisory lock); returns what was there, as the user reads it. */
    public static List<String> remove(Session control, LockRetry lockRetry, ObjectNames names, long sourceOid)
            throws SQLException {
        List<String> removed = new ArrayList<>(Captures.remove(control, lockRetry, names, sourceOid));
        if (control.exists(names.shadow())) {
            removed.add("shadow table " + names.shadow());
        }
        // The check a repack of one partition adds to the default partition beside it.
        for (String[] held : control.query(PartitionSql.constraintNamed(), rs -> new String[] {rs.getString(1),
                rs.getString(2)}, names.defaultGuard())) {
            lockRetry.run("removing check " + names.defaultGuard() + " from " + held[0] + "." + held[1], s -> {
                s.execute(PartitionSql.dropConstraintIfExists(Identifiers.qualified(held[0], held[1]),
                        names.defaultGuard()));
                return Boolean.TRUE;
            }, LockRetry.NOTHING_BETWEEN);
            removed.add("check " + names.defaultGuard() + " on " + held[0] + "." + held[1]);
        }
        MaterializedViews.dropCopies(control, names);
        control.execute("DROP TABLE IF EXISTS " + names.shadow());
        return removed;
    }
}
