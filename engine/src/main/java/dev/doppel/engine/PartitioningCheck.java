package dev.doppel.engine;

import dev.doppel.engine.catalog.IndexInfo;
import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.Partitioning;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.PartitionSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What PostgreSQL requires of a table to partition it, and what doppel does not offer with it, checked before
 * anything is built: a plain table; every primary key, unique and exclusion constraint including the partition
 * key's columns (and the foreign keys that reference one that does not, named); no foreign key of its own
 * (PostgreSQL cannot add one NOT VALID to a partitioned table before version 18); the partitions' names free; and,
 * with the shadow built, no row that no partition would take.
 */
final class PartitioningCheck {

    private PartitioningCheck() {
    }

    /** Refuses, naming the object and the fix, what would make the change fail or lose something. */
    static void refuse(Session s, TableInfo source, AlterChange change, Options options) throws SQLException {
        if (!change.changesPartitioning()) {
            return;
        }
        // A plain table partitioned has a way back (the tree retired, the table put back); a tree's partitions
        // made plain or other ones would need them back under names the live table no longer holds.
        if (!options.revertWindow().isZero() && !options.keepOld().isZero() && source.partitions().partitioned()) {
            throw new DoppelException(Reason.PARTITIONED_UNSUPPORTED, "doppel does not offer --revert-window when it "
                    + (change.isUnpartition() ? "unpartitions " : "partitions anew ") + source.display() + ": the"
                    + " way back would put its old partitions back under names the new table does not hold, which"
                    + " is not implemented; run without it (the old tree is kept as a snapshot in schema doppel)");
        }
        Partitioning partitioning = change.partitioning();
        if (partitioning == null) {
            if (!source.partitions().partitioned()) {
                throw new DoppelException(Reason.INVALID_ALTER, source.display() + " is not partitioned, so"
                        + " --unpartition has nothing to do");
            }
            return;
        }
        PartitionTree tree = partitioning.tree(source);
        List<String> problems = new ArrayList<>();
        List<String> keyColumns = partitioning.keyColumns();
        if (keyColumns != null) {
            for (IndexInfo index : source.indexes()) {
                List<String> missing = keyColumns.stream().filter(c -> !index.columns().contains(c)).toList();
                if ((index.unique() || index.constraintType() == 'x') && !missing.isEmpty()) {
                    problems.add(describe(index, source) + " lacks partition column" + (missing.size() == 1 ? " "
                            : "s ") + String.join(", ", missing) + ": PostgreSQL requires every primary key, unique"
                            + " and exclusion constraint of a partitioned table to include the partition key; add "
                            + (missing.size() == 1 ? "it" : "them") + " to the " + (index.ownedByConstraint()
                            ? "constraint" : "index") + " first (" + fix(index, missing, source) + ")"
                            + referencedBy(s, source, index));
                }
            }
        }
        // A tree partitioned anew may reuse its partitions' names: the swap moves the old ones away first.
        Set<String> retired = source.partitions().partitions().stream().map(PartitionTree.Partition::qualified)
                .collect(Collectors.toSet());
        for (PartitionTree.Partition p : tree.partitions()) {
            if (!retired.contains(p.qualified()) && s.exists(p.qualified())) {
                problems.add("partition " + p.display() + " would take the name of an existing relation; rename or"
                        + " drop it, or name the partitions otherwise");
            }
        }
        if (!problems.isEmpty()) {
            throw new DoppelException(Reason.INVALID_ALTER, "doppel cannot partition " + source.display() + " by "
                    + partitioning.key() + ":\n  - " + String.join("\n  - ", problems));
        }
        List<String> taken = tree.takenShadows(s);
        if (!taken.isEmpty()) {
            throw new DoppelException(Reason.LEFTOVER, "doppel builds each new partition of " + source.display()
                    + " under its name in schema " + ObjectNames.SCHEMA + ", and " + String.join("; ", taken)
                    + ": an earlier migration's leftover (`doppel status`; resume or abort it), or a relation to"
                    + " rename or drop");
        }
    }

    /**
     * With the shadow tree built (in a transaction the caller rolls back): the rows of the source no partition
     * would take, counted with PostgreSQL's own partition constraints. Without a default partition they would fail
     * the copy; refused now, naming a few of their keys. Reads the whole table.
     */
    static void refuseRowsOutside(Session s, TableInfo source, Partitioning partitioning, ObjectNames names)
            throws SQLException {
        if (partitioning.hash()) {
            return;
        }
        List<String[]> leaves = s.query(PartitionSql.leafConstraints(), rs -> new String[] {rs.getString(1),
                rs.getString(2)}, names.shadow());
        if (leaves.stream().anyMatch(l -> l[1].equals("DEFAULT"))) {
            return;
        }
        String inside = PartitionSql.insideAny(leaves.stream().map(l -> l[0]).toList());
        s.execute("SET LOCAL statement_timeout = 0");
        long outside = s.number(PartitionSql.countOutside(source.qualified(), inside));
        if (outside == 0) {
            return;
        }
        List<String> examples = s.query(PartitionSql.keysOutside(source.qualified(), partitioning.keyExpressions(),
                inside, 5), rs -> rs.getString(1));
        throw new DoppelException(Reason.INVALID_ALTER, outside + " row" + (outside == 1 ? "" : "s") + " of "
                + source.display() + " fall outside every partition of " + partitioning.key() + " (key values "
                + String.join(", ", examples) + (outside > examples.size() ? ", ..." : "") + ") and there is no"
                + " default partition to take them: add 'default' to --partitions, or partitions that cover them");
    }

    private static String describe(IndexInfo index, TableInfo source) {
        return switch (index.constraintType()) {
            case 'p' -> "primary key " + index.constraintName();
            case 'u' -> "unique constraint " + index.constraintName();
            case 'x' -> "exclusion constraint " + index.constraintName();
            default -> "unique index " + index.name();
        } + " (" + String.join(", ", index.columns()) + ") of " + source.display();
    }

    /** The online way to widen the key: doppel itself, with the ALTER that does it. */
    private static String fix(IndexInfo index, List<String> missing, TableInfo source) {
        List<String> columns = new ArrayList<>(index.columns());
        columns.addAll(missing);
        String what = index.constraintType() == 'p' ? "PRIMARY KEY" : "UNIQUE";
        if (index.constraintType() != 'p' && index.constraintType() != 'u') {
            return "re-create it with them";
        }
        return "doppel run --table " + source.display() + " --alter 'DROP CONSTRAINT "
                + Identifiers.quote(index.constraintName()) + ", ADD CONSTRAINT "
                + Identifiers.quote(index.constraintName()) + " " + what + " (" + Identifiers.list(columns) + ")'";
    }

    /** "; foreign key x of t references it, ..." when other tables' foreign keys use the index. */
    private static String referencedBy(Session s, TableInfo source, IndexInfo index) throws SQLException {
        List<String> fks = s.query(PartitionSql.foreignKeysThrough(), rs -> rs.getString(1), source.oid(),
                index.name(), Identifiers.quote(source.schema()));
        return fks.isEmpty() ? "" : "; foreign key" + (fks.size() == 1 ? " " : "s ") + String.join(", ", fks)
                + " reference" + (fks.size() == 1 ? "s" : "") + " it and need" + (fks.size() == 1 ? "s" : "")
                + " a unique key the partitioned table can keep: make " + (fks.size() == 1 ? "it" : "them")
                + " reference the widened key (with the partition column), or drop " + (fks.size() == 1 ? "it"
                : "them") + " first";
    }
}
