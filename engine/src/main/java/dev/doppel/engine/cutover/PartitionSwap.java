package dev.doppel.engine.cutover;

import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.PartitionSql;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.SwapSql;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The partitions' part of a swap, around the partitioned table's own: {@link #retire} moves each old partition
 * to doppel's schema under the old table's name (its indexes renamed out of the way first), and {@link #install}
 * moves each copy, built under the partition's own name in doppel's schema, to the partition's schema, gives its
 * indexes the old partition's index names (matched through the partitioned index each belongs to) and carries the
 * partition's storage settings, owner, privileges and comment. Runs under the cut-over's lock on the whole tree.
 * When the change (un)partitions the table the two trees differ: a plain table retires no partition, and a
 * partition created new (OID 0) has no old one to take names from, only the table's owner.
 */
final class PartitionSwap {

    private final PartitionTree tree;
    private final PartitionTree newTree;
    private final ObjectNames names;
    private final String oldName;
    /** Per partition: its indexes' names by the name of the partitioned index each belongs to. */
    private final Map<Long, Map<String, String>> indexNames = new HashMap<>();

    PartitionSwap(PartitionTree tree, PartitionTree newTree, ObjectNames names, String oldName) {
        this.tree = tree;
        this.newTree = newTree;
        this.names = names;
        this.oldName = oldName;
    }

    /** The name an old partition keeps in doppel's schema, next to the old partitioned table. */
    private String oldPartition(int n) {
        return oldName + "_p" + n;
    }

    void retire(Session s) throws SQLException {
        List<PartitionTree.Partition> partitions = tree.partitions();
        for (int n = 0; n < partitions.size(); n++) {
            PartitionTree.Partition p = partitions.get(n);
            Map<String, String> byParent = new HashMap<>();
            List<String[]> indexes = s.query(PartitionSql.indexesWithParents(),
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, p.qualified());
            for (int i = 0; i < indexes.size(); i++) {
                byParent.put(indexes.get(i)[1], indexes.get(i)[0]);
                s.execute(SwapSql.renameIndex(Identifiers.qualified(p.schema(), indexes.get(i)[0]),
                        names.oldIndexName(n) + "_" + i));
            }
            indexNames.put(p.oid(), byParent);
            s.execute(SwapSql.renameTable(p.qualified(), oldPartition(n)));
            s.execute(SwapSql.setSchema(Identifiers.qualified(p.schema(), oldPartition(n)), ObjectNames.SCHEMA));
        }
    }

    /** After the partitioned table took its place, parents before their partitions. */
    void install(Session s) throws SQLException {
        List<PartitionTree.Partition> partitions = newTree.partitions();
        for (int n = 0; n < partitions.size(); n++) {
            PartitionTree.Partition p = partitions.get(n);
            if (!p.schema().equals(ObjectNames.SCHEMA)) {
                s.execute(SwapSql.setSchema(p.shadow(), p.schema()));
            }
            String table = p.qualified();
            if (p.oid() == 0) {
                s.execute(SwapSql.restoreAutovacuum(table, p.reloptions()));
                if (!p.owner().equals(s.text("SELECT current_user"))) {
                    s.execute(SwapSql.ownerTo(table, p.owner()));
                }
                continue;
            }
            Map<String, String> original = indexNames.get(p.oid());
            List<String[]> renames = new ArrayList<>();
            for (String[] index : s.query(PartitionSql.indexesWithParents(),
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, table)) {
                String was = original.get(index[1]);
                if (was != null && !was.equals(index[0])) {
                    renames.add(new String[] {index[0], was});
                }
            }
            // Through a free name first: two copies may hold each other's names.
            for (int i = 0; i < renames.size(); i++) {
                s.execute(SwapSql.renameIndex(Identifiers.qualified(p.schema(), renames.get(i)[0]),
                        names.oldIndexName(n) + "_new_" + i));
            }
            for (int i = 0; i < renames.size(); i++) {
                s.execute(SwapSql.renameIndex(Identifiers.qualified(p.schema(), names.oldIndexName(n) + "_new_" + i),
                        renames.get(i)[1]));
            }
            if (p.leaf()) {
                s.execute(SwapSql.restoreAutovacuum(table, p.reloptions()));
            }
            Swap.takeOver(s, table, p.oid(), p.comment(), p.owner());
        }
    }
}
