package dev.doppel.engine.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user's ALTER TABLE, parsed: its subcommands in order, and the table it named if it named one. A repack
 * ({@code REPACK [ORDER BY ...]}, doppel's own word) has no subcommands: the table is rewritten as it is, to shed
 * its bloat, optionally in the order given.
 */
public final class AlterChange {

    private final List<Subcommand> subcommands;
    private final QualifiedName tableName;
    private final boolean repack;
    private final String orderBy;

    AlterChange(List<Subcommand> subcommands, QualifiedName tableName) {
        this(subcommands, tableName, false, null);
    }

    private AlterChange(List<Subcommand> subcommands, QualifiedName tableName, boolean repack, String orderBy) {
        this.subcommands = List.copyOf(subcommands);
        this.tableName = tableName;
        this.repack = repack;
        this.orderBy = orderBy;
    }

    /** A rewrite with no change of shape; {@code orderBy} (SQL, or null) is the physical order of the new table. */
    public static AlterChange repack(String orderBy) {
        return new AlterChange(List.of(), null, true, orderBy);
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
