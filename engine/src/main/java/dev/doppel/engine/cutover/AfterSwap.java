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
 * were checked, older ones were not) are validated while writers go on. Run again by a resume, it validates only
 * what is still NOT VALID. A forward swap brings statistics taken of the shadow before it; a revert analyzes the
 * table it brings back, whose statistics predate the writes since the swap.
 */
public final class AfterSwap {

    private static final Logger log = LoggerFactory.getLogger(AfterSwap.class);

    private AfterSwap() {
    }

    /**
     * Validates each (table, constraint) still NOT VALID. A key whose rows do not hold stays NOT VALID and is
     * returned, with why, for the result's warnings; any other failure (a lock timeout, a lost connection) stops
     * the caller, whose resume validates again.
     */
    public static List<String> settle(Session worker, List<String[]> foreignKeys) throws SQLException {
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
        return warnings;
    }

    /** ANALYZE of a table brought back into place. */
    public static void analyze(Session worker, String table) throws SQLException {
        worker.execute("ANALYZE " + table);
    }
}
