package dev.doppel.engine.copy;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.List;

/**
 * For a revert's re-sync: refuses a batch whose rows hold a value the old table's types cannot take back exactly
 * (a bigint past the int range, a longer string, more decimals), naming the row's key, so that a revert never
 * loses or alters a value written after the swap. A cast back that raises an error is traced to its key one log
 * entry at a time, each behind a savepoint of the re-sync's own transaction (which may hold the revert's lock).
 */
public final class RoundTripGuard implements KeyResync.Guard {

    private static final String SAVEPOINT = "doppel_round_trip";

    private final MigrationSql sql;
    private final List<String> checks;
    private final String table;

    public RoundTripGuard(MigrationSql sql, List<String> checks, String table) {
        this.sql = sql;
        this.checks = checks;
        this.table = table;
    }

    @Override
    public void check(Session s, Long[] ids) throws SQLException {
        if (checks.isEmpty()) {
            return;
        }
        String lossy;
        s.execute("SAVEPOINT " + SAVEPOINT);
        try {
            lossy = s.text("SELECT (" + sql.lossyKey(checks) + ")", (Object) ids);
        } catch (SQLException e) {
            if (!RowCopier.dataError(e)) {
                throw e;
            }
            s.execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT);
            lossy = trace(s, ids);
            throw refusal(lossy == null ? "one of the rows written after the swap" : "the row with key " + lossy,
                    e.getMessage(), e);
        }
        if (lossy != null) {
            throw refusal("the row with key " + lossy, "the value would change", null);
        }
    }

    private String trace(Session s, Long[] ids) throws SQLException {
        for (Long id : ids) {
            try {
                s.text("SELECT (" + sql.lossyKey(checks) + ")", (Object) new Long[] {id});
            } catch (SQLException e) {
                if (RowCopier.dataError(e)) {
                    s.execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT);
                    return s.text(sql.loggedKey(), id);
                }
                throw e;
            }
        }
        return null;
    }

    private DoppelException refusal(String row, String why, Throwable cause) {
        return new DoppelException(Reason.REVERT_LOSSY, "revert refused: " + row + " of " + table + " holds a value the"
                + " old table's column type cannot take back exactly (" + why + "). Nothing was swapped back. Change"
                + " that row so the old type can hold it, or give the inverse with --revert-using, then revert again",
                cause);
    }
}
