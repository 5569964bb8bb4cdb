package dev.doppel.engine.catalog;

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
 * The partitions of a declaratively partitioned table, every level of them, parents before their own partitions:
 * what the shadow tree is built after, what the swap renames and what the cut-over checks has not changed. A plain
 * table has {@link #NONE}.
 *
 * @param key the root's partition key as PostgreSQL prints it ("RANGE (created_at)"), null for a plain table
 */
public record PartitionTree(String key, List<Partition> partitions) {

    public static final PartitionTree NONE = new PartitionTree(null, List.of());

    /**
     * One partition. {@code parent} is the OID of the table it is a partition of; {@code key} is its own partition
     * key when it is partitioned further, else null (a leaf, which holds rows).
     */
    public record Partition(long oid, String schema, String name, long parent, String bound, String key,
                            char kind, char persistence, List<String> reloptions, String tablespace, String owner,
                            String comment) {

        public String qualified() {
            return Identifiers.qualified(schema, name);
        }

        public String display() {
            return schema + "." + name;
        }

        /** Where its copy lives until the swap: doppel's schema, under the partition's own name. */
        public String shadow() {
            return Identifiers.qualified(ObjectNames.SCHEMA, name);
        }

        public boolean leaf() {
            return key == null;
        }
    }

    public boolean partitioned() {
        return key != null;
    }

    public List<Partition> leaves() {
        return partitions.stream().filter(Partition::leaf).toList();
    }

    /** The tree of the table with OID {@code oid}, {@link #NONE} when it is not partitioned. */
    static PartitionTree read(Session s, long oid) throws SQLException {
        String key = s.text(PartitionSql.partitionKey(), oid);
        if (key == null) {
            return NONE;
        }
        return new PartitionTree(key, s.query(PartitionSql.partitionsOf(), rs -> new Partition(rs.getLong(1),
                rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getString(6),
                rs.getString(7).charAt(0), rs.getString(8).charAt(0), Session.strings(rs.getArray(9)), rs.getString(10),
                rs.getString(11), rs.getString(12)), oid));
    }

    /** What the definition fingerprint takes of the tree: a partition attached, detached or created changes it. */
    String describe() {
        return key == null ? "" : "PARTITION BY " + key + "\n" + partitions.stream().map(this::describe)
                .collect(Collectors.joining("\n"));
    }

    /** A partition by names alone (OIDs differ between databases, where a fleet compares fingerprints). */
    private String describe(Partition p) {
        String parent = partitions.stream().filter(q -> q.oid() == p.parent()).map(Partition::display).findFirst()
                .orElse("the root");
        return p.display() + " of " + parent + " " + p.bound() + (p.key() == null ? "" : " PARTITION BY " + p.key())
                + " " + p.kind();
    }

    /** The partitions in one tree and not in the other, as a sentence for the error that stops a cut-over. */
    public String differences(PartitionTree now) {
        Set<String> before = partitions.stream().map(this::describe).collect(Collectors.toSet());
        Set<String> after = now.partitions.stream().map(now::describe).collect(Collectors.toSet());
        List<String> out = new ArrayList<>();
        now.partitions.stream().filter(p -> !before.contains(now.describe(p)))
                .forEach(p -> out.add(p.display() + " " + p.bound() + " was attached or created"));
        partitions.stream().filter(p -> !after.contains(describe(p)))
                .forEach(p -> out.add(p.display() + " " + p.bound() + " was detached, dropped or changed"));
        return String.join("; ", out);
    }

    /** The copies of partitions whose names doppel's schema has taken already, as sentences. */
    public List<String> takenShadows(Session s) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Partition p : partitions) {
            if (s.exists(p.shadow())) {
                out.add("the copy of partition " + p.display() + " is built as " + p.shadow() + ", which exists");
            }
        }
        return out;
    }

    /** What the shadow tree or the swap cannot carry yet, each a sentence naming the partition and the fix. */
    List<String> blockers(Session s, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Partition p : partitions) {
            if (p.kind() != 'r' && p.kind() != 'p') {
                out.add("partition " + p.display() + " of " + table + " is not a table (relkind '" + p.kind() + "',"
                        + " a foreign table?); doppel cannot copy into it");
            }
        }
        for (String[] local : s.query(PartitionSql.partitionOwnObjects(), rs -> new String[] {rs.getString(1),
                rs.getString(2)}, (Object) partitions.stream().map(Partition::oid).toArray(Long[]::new))) {
            out.add(local[1] + " belongs to partition " + local[0] + " alone, not to " + table + "; doppel builds the"
                    + " partitions' copies from the partitioned table and would lose it: drop it before the migration"
                    + " and create it again after (or define it on " + table + ")");
        }
        return out;
    }
}
