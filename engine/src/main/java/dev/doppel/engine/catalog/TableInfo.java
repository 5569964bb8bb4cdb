package dev.doppel.engine.catalog;

import dev.doppel.engine.sql.Identifiers;

import java.util.List;
import java.util.Optional;

/** What doppel knows of a table from pg_catalog at one moment; {@code partitions} is its partition tree, if any. */
public record TableInfo(long oid, String schema, String name, char persistence, String owner, String comment,
                        List<String> reloptions, List<Column> columns, List<IndexInfo> indexes,
                        List<ConstraintInfo> constraints, List<OwnedSequence> ownedSequences,
                        long estimatedRows, long totalBytes, String fingerprint,
                        PartitionTree partitions) {

    /** A sequence owned by (serial) a column; identity sequences are not listed here. */
    public record OwnedSequence(String schema, String name, String column) {
        public String qualified() {
            return Identifiers.qualified(schema, name);
        }
    }

    public String qualified() {
        return Identifiers.qualified(schema, name);
    }

    /** Human form for messages: schema.name without quotes unless needed. */
    public String display() {
        return schema + "." + name;
    }

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    /**
     * Usable keys: the primary key first, then non-null, non-partial, plain-column unique indexes, those that serve
     * {@code ORDER BY} their columns (the copy's order) before those that do not, fewest columns first.
     */
    public List<IndexInfo> usableKeys() {
        return indexes.stream().filter(IndexInfo::usableAsKey)
                .sorted((a, b) -> a.constraintType() == 'p' ? -1 : b.constraintType() == 'p' ? 1
                        : a.ordersAsColumns() != b.ordersAsColumns() ? (a.ordersAsColumns() ? -1 : 1)
                        : Integer.compare(a.columns().size(), b.columns().size()))
                .toList();
    }
}
