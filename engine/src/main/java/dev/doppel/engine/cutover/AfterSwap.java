package dev.doppel.engine.cutover;

import dev.doppel.engine.copy.RowCopier;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What follows a committed swap, forward or back: the foreign keys the swap added NOT VALID (rows written meanwhile
 * were checked, older ones were not) are validated while writers go on, and the swapped-in table is analyzed. Run
 * again by a resume, it validates only what is still NOT VALID.
 */
public final class AfterSwap {

    private static final Logger log = LoggerFactory.getLogger(AfterSwap.class);

    private AfterSwap() {
    }

    /**
     * Validates each (table, constraint) still NOT VALID, then analyzes {@code table}. A key whose rows do not hold
     * stays NOT VALID and is returned, with why, for the result's warnings; any other failure (a lock timeout, a
     * lost connection) stops the caller, whose resume validates again.
     */
    public static List<String> settle(Session worker, String table, List<String[]> foreignKeys) throws SQLException {
        List<String> warnings = new ArrayList<>();
        for (String[] fk : foreignKeys) {
            if (worker.number(MigrationSql.notValidated(), fk[0], fk[1]) == 0) {
                continue;
            }
            try {
                worker.execute(MigrationSql.validateConstraint(fk[0], fk[1]));
            } catch (SQLException e) {
                if (!RowCopier.dataError(e)) {
                    throw e;
                }
                String warning = "foreign key " + fk[1] + " on " + fk[0] + " stays NOT VALID: " + e.getMessage()
                        + "; fix the rows, then ALTER TABLE " + fk[0] + " VALIDATE CONSTRAINT " + fk[1];
                log.warn(warning);
                warnings.add(warning);
            }
        }
        worker.execute("ANALYZE " + table);
        return warnings;
    }
}
