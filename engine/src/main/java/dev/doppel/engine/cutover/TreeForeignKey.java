package dev.doppel.engine.cutover;

import dev.doppel.engine.sql.PartitionSql;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.SwapSql;

import java.sql.SQLException;
import java.util.List;

/**
 * A foreign key whose referencing table is partitioned, carried across a swap. Before PostgreSQL 18 a partitioned
 * table cannot take a foreign key NOT VALID, and a valid one scans every partition while it holds a lock that stops
 * writes. So the swap adds it NOT VALID to each leaf partition (a plain table, which can take it so) with
 * {@link #addToLeaves}; the leaves' keys are validated once the swap has committed, while writers go on; and only
 * then does {@link #attach} add it to the partitioned table itself: PostgreSQL adopts each leaf's validated key as
 * that leaf's part of it and scans nothing, holding SHARE ROW EXCLUSIVE on the tree and the referenced table for
 * the catalog change alone.
 *
 * @param table      the partitioned referencing table, quoted
 * @param definition pg_get_constraintdef text without NOT VALID
 * @param validate   false when it was NOT VALID before (PostgreSQL 18): it is added to the table NOT VALID again
 * @param comment    its comment, or null
 */
public record TreeForeignKey(String table, String name, String definition, boolean validate, String comment) {

    /** Adds the key NOT VALID to each of the table's {@code leaves}, whose keys validate before {@link #attach}. */
    void addToLeaves(Session s, List<String> leaves) throws SQLException {
        for (String leaf : leaves) {
            s.execute(PartitionSql.addConstraint(leaf, name, definition, true));
        }
    }

    /**
     * Adds the key to the partitioned table itself, once; false, with nothing done, while a leaf's key is still
     * NOT VALID (adding it would then scan that leaf under the lock).
     */
    boolean attach(Session s) throws SQLException {
        if (s.number(PartitionSql.hasConstraint(), table, name) > 0) {
            return true;
        }
        if (validate && s.number(PartitionSql.leavesWithoutValid(), table, name) > 0) {
            return false;
        }
        s.execute(PartitionSql.addConstraint(table, name, definition, !validate));
        if (comment != null) {
            s.execute(SwapSql.commentOnConstraint(table, name, comment));
        }
        return true;
    }
}
