package dev.doppel.engine.catalog;

import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.PartitionSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition repacked alone: where it hangs in its tree. The copy of it is a plain table that ATTACH PARTITION
 * takes in its place under {@code bound}; a CHECK equal to {@code constraint} (its partition constraint as PostgreSQL
 * checks rows against it, ancestors' included) lets ATTACH skip the scan that proves the rows fit.
 *
 * @param parent           the partitioned table it is a partition of, quoted ({@code parentDisplay} unquoted)
 * @param bound            its bound as PostgreSQL prints it ("FOR VALUES FROM (1) TO (10)", "DEFAULT")
 * @param constraint       its partition constraint, null when it has none (the only partition, a default one)
 * @param defaultPartition the parent's default partition when that is another partition (quoted), else null: DETACH
 *                         and ATTACH lock it too, and ATTACH checks that it holds no row of the bound
 *                         ({@code defaultDisplay} unquoted)
 * @param guardsDefault    whether a CHECK on that default partition, validated before the swap, can spare ATTACH its
 *                         scan of it: the default partition is a plain table beside a partition of the root (below
 *                         the root, the leaf's constraint also holds its ancestors', which PostgreSQL cannot prove
 *                         that check from)
 */
public record LeafPartition(String parent, String parentDisplay, String bound, String constraint,
                            String defaultPartition, String defaultDisplay, boolean guardsDefault) {

    /** The partition whose OID is {@code oid}, or null when that table is no partition. */
    public static LeafPartition read(Session s, long oid) throws SQLException {
        List<LeafPartition> found = s.query(PartitionSql.partitionOf(), rs -> new LeafPartition(
                Identifiers.qualified(rs.getString(1), rs.getString(2)), rs.getString(1) + "." + rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getString(5) == null ? null
                : Identifiers.qualified(rs.getString(5), rs.getString(6)), rs.getString(5) == null ? null
                : rs.getString(5) + "." + rs.getString(6), rs.getBoolean(7)), oid);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The tables the swap locks before the partition, in this order: its parent, then the default partition. */
    public List<String> lockedFirst() {
        List<String> out = new ArrayList<>(List.of(parent));
        if (defaultPartition != null) {
            out.add(defaultPartition);
        }
        return out;
    }

    /**
     * What stops a repack of partition {@code t} alone, each a sentence naming the object and the fix: a partition
     * partitioned further, foreign keys into the tree (DETACH checks each referencing row) or out of the partition
     * (ATTACH would validate them by a scan under its lock), and a migration of the tree running.
     */
    static List<String> blockers(Session s, TableInfo t) throws SQLException {
        List<String> out = new ArrayList<>();
        String root = s.text(PartitionSql.rootOf(), t.oid());
        if (t.partitions().partitioned()) {
            out.add(t.display() + " is a partition that is partitioned itself; doppel repacks one leaf at a time:"
                    + " run it on each of its leaves (" + String.join(", ", t.partitions().leaves().stream()
                    .map(PartitionTree.Partition::display).toList()) + "), or on " + root + " as a whole");
            return out;
        }
        for (String fk : s.query(PartitionSql.foreignKeysIntoPartition(), rs -> rs.getString(1), t.oid(),
                t.oid())) {
            out.add("foreign key " + fk + " references the partitioned table, so detaching partition " + t.display()
                    + " would check every referencing row against it under the lock (and fail on any): repack "
                    + root + " as a whole instead (doppel run --table " + root + ", no --alter), which carries the"
                    + " key");
        }
        for (String fk : s.query(PartitionSql.foreignKeysOf(), rs -> rs.getString(1), t.oid())) {
            out.add("foreign key " + fk + " of " + t.display() + " would be validated by a scan of the whole"
                    + " partition when its copy is attached, under the lock on the partitioned table: repack " + root
                    + " as a whole instead (doppel run --table " + root + ", no --alter), which validates its keys"
                    + " after the swap");
        }
        for (String running : s.query(PartitionSql.ancestorsCaptured(), rs -> rs.getString(1), t.oid(), t.oid())) {
            out.add("a doppel migration of " + running + " is under way (its capture triggers are on it): let it"
                    + " finish, or abort it, before repacking one of its partitions");
        }
        return out;
    }
}
