package dev.doppel.engine.plan;

import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.TableInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user's ALTER TABLE, parsed: its subcommands in order, and the table it named if it named one. A repack
 * ({@code REPACK [ORDER BY ...]}, doppel's own word) has no subcommands: the table is rewritten as it is, to shed
 * its bloat, optionally in the order given. A partitioning ({@code PARTITION BY <key> PARTITIONS '<spec>'}) rewrites
 * a plain table into a partitioned one as it is; {@code UNPARTITION} a partitioned table into a plain one.
 */
public final class AlterChange {

    private final List<Subcommand> subcommands;
    private final QualifiedName tableName;
    private final boolean repack;
    private final String orderBy;
    /** The partitioning a plain table is rewritten into; null otherwise. */
    private final Partitioning partitioning;
    private final boolean unpartition;

    AlterChange(List<Subcommand> subcommands, QualifiedName tableName) {
        this(subcommands, tableName, false, null, null, false);
    }

    private AlterChange(List<Subcommand> subcommands, QualifiedName tableName, boolean repack, String orderBy,
                        Partitioning partitioning, boolean unpartition) {
        this.subcommands = List.copyOf(subcommands);
        this.tableName = tableName;
        this.repack = repack;
        this.orderBy = orderBy;
        this.partitioning = partitioning;
        this.unpartition = unpartition;
    }

    /** A plain table rewritten into the partitions of {@code partitioning}, columns and all else as they are. */
    public static AlterChange partition(Partitioning partitioning) {
        return new AlterChange(List.of(), null, false, null, partitioning, false);
    }

    /** A partitioned table rewritten into a plain one with the same columns, indexes, constraints and rows. */
    public static AlterChange unpartition() {
        return new AlterChange(List.of(), null, false, null, null, true);
    }

    /** The partitioning of a plain table this change makes, or null. */
    public Partitioning partitioning() {
        return partitioning;
    }

    public boolean isUnpartition() {
        return unpartition;
    }

    /** Whether the change rewrites the table as it is, into another shape of storage: a repack or (un)partitioning. */
    public boolean keepsColumns() {
        return repack || changesPartitioning();
    }

    /** Whether the change partitions a plain table or unpartitions a partitioned one. */
    public boolean changesPartitioning() {
        return partitioning != null || unpartition;
    }

    /** The partition tree the new table gets: the partitioning's, none when unpartitioned, else the source's own. */
    public PartitionTree targetTree(TableInfo source) {
        return partitioning != null ? partitioning.tree(source) : unpartition ? PartitionTree.NONE : source.partitions();
    }

    /** A rewrite with no change of shape; {@code orderBy} (SQL, or null) is the physical order of the new table. */
    public static AlterChange repack(String orderBy) {
        return new AlterChange(List.of(), null, true, orderBy, null, false);
    }

    public boolean isRepack() {
        return repack;
    }

    /** The order a repack writes the rows in (index expressions, as in CREATE INDEX), or null for key order. */
    public String orderBy() {
        return orderBy;
    }

    public List<Subcommand> subcommands() {
        return subcommands;
    }

    public List<Subcommand> subcommands(Subcommand.Kind kind) {
        return subcommands.stream().filter(s -> s.kind() == kind).toList();
    }

    /** The table of an "ALTER TABLE name ..." prefix, so the caller can check it is the table being changed. */
    public Optional<QualifiedName> tableName() {
        return Optional.ofNullable(tableName);
    }

    public boolean renames() {
        return subcommands.stream().anyMatch(Subcommand::isRename);
    }

    /** The subcommands joined by ", ": the same change always gives the same text, whatever prefix or ';' it had. */
    public String text() {
        if (repack) {
            return orderBy == null ? "REPACK" : "REPACK ORDER BY " + orderBy;
        }
        if (partitioning != null) {
            return partitioning.text();
        }
        if (unpartition) {
            return "UNPARTITION";
        }
        return String.join(", ", subcommands.stream().map(Subcommand::text).toList());
    }

    /**
     * The statements that apply this change to {@code quotedQualifiedTable}, in order. Renames cannot share a
     * statement, so each gets its own; the subcommands between them share one.
     */
    public List<String> statementsFor(String quotedQualifiedTable) {
        String prefix = "ALTER TABLE " + quotedQualifiedTable + " ";
        List<String> statements = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (Subcommand subcommand : subcommands) {
            if (subcommand.isRename()) {
                flush(prefix, batch, statements);
                statements.add(prefix + subcommand.text());
            } else {
                batch.add(subcommand.text());
            }
        }
        flush(prefix, batch, statements);
        return List.copyOf(statements);
    }

    private static void flush(String prefix, List<String> batch, List<String> statements) {
        if (!batch.isEmpty()) {
            statements.add(prefix + String.join(", ", batch));
            batch.clear();
        }
    }

    @Override
    public String toString() {
        return text();
    }
}
