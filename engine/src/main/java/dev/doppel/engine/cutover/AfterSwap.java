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
 * were checked, older ones were not) are validated while writers go on, and those of partitioned referencing tables,
 * carried on their partitions, are then added to the partitioned tables themselves ({@link TreeForeignKey}). Run
 * again by a resume, it validates only what is still NOT VALID and adds only what is missing. A forward swap brings
 * statistics taken of the shadow before it; a revert analyzes the table it brings back, whose statistics predate the
 * writes since the swap.
 */
public final class AfterSwap {

    private static final Logger log = LoggerFactory.getLogger(AfterSwap.class);

    private AfterSwap() {
    }

    /**
     * The foreign keys a swap leaves to settle: (table, constraint) pairs to validate, then the keys to add to
     * partitioned referencing tables.
     */
    public record ForeignKeys(List<String[]> validate, List<TreeForeignKey> attach) {

        public static final ForeignKeys NONE = new ForeignKeys(List.of(), List.of());

        public ForeignKeys plus(ForeignKeys more) {
            List<String[]> v = new ArrayList<>(validate);
            v.addAll(more.validate);
            List<TreeForeignKey> a = new ArrayList<>(attach);
            a.addAll(more.attach);
            return new ForeignKeys(v, a);
        }
    }

    /**
     * {@link #settle(Session, List)}, then each partitioned table's key added to the table itself in short lock
     * attempts; one whose partitions' keys did not all validate stays on the partitions, with a warning.
     */
    public static List<String> settle(Session worker, LockRetry retry, ForeignKeys foreignKeys) throws SQLException {
        List<String> warnings = settle(worker, foreignKeys.validate());
        for (TreeForeignKey fk : foreignKeys.attach()) {
            if (!retry.run("adding foreign key " + fk.name() + " to " + fk.table(), fk::attach,
                    LockRetry.NOTHING_BETWEEN)) {
                String warning = "foreign key " + fk.name() + " holds on each partition of " + fk.table() + " but"
                        + " not on the table itself: some partitions' keys stay NOT VALID; fix their rows, validate"
                        + " them, then ALTER TABLE " + fk.table() + " ADD CONSTRAINT " + fk.name() + " "
                        + fk.definition();
                log.warn(warning);
                warnings.add(warning);
            }
        }
        return warnings;
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
