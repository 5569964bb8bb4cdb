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
 * partition's storage settings, owner, privileges and comment. Runs under the cut-over's lock on the whole tree:
 * {@link #read} reads what it needs first, for all partitions at once, so that its statements go out together
 * (a tree of 24 partitions took over a hundred round trips when each partition read its own).
 * When the change (un)partitions the table the two trees differ: a plain table retires no partition, and a
 * partition created new (OID 0) has no old one to take names from, only the table's owner.
 */
final class PartitionSwap {

    private final PartitionTree tree;
    private final PartitionTree newTree;
    private final ObjectNames names;
    private final String oldName;
    /** Per old partition, in the tree's order: its indexes as (name, the partitioned index it belongs to). */
    private List<List<String[]>> oldIndexes = List.of();
    /** Per new partition, in the tree's order: the REVOKEs and GRANTs that give it the old partition's privileges. */
    private List<List<String>> privileges = List.of();

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

    /**
     * Before the swap changes anything: reads the old partitions' indexes, gives each copy its partition's owner,
     * then reads the privileges each copy needs (after the owner: OWNER TO rewrites privileges).
     */
    void read(Session s, String currentUser) throws SQLException {
        oldIndexes = indexes(s, tree.partitions().stream().map(PartitionTree.Partition::qualified).toList());
        List<PartitionTree.Partition> partitions = newTree.partitions();
        for (PartitionTree.Partition p : partitions) {
            if (!p.owner().equals(currentUser)) {
                s.execute(SwapSql.ownerTo(p.shadow(), p.owner()));
            }
        }
        List<PartitionTree.Partition> carried = partitions.stream().filter(p -> p.oid() != 0).toList();
        privileges = new ArrayList<>();
        partitions.forEach(p -> privileges.add(new ArrayList<>()));
        if (!carried.isEmpty()) {
            for (Object[] row : s.query(SwapSql.privilegesLike(), rs -> new Object[] {rs.getInt(1), rs.getString(2)},
                    carried.stream().map(PartitionTree.Partition::shadow).toArray(String[]::new),
                    carried.stream().map(PartitionTree.Partition::qualified).toArray(String[]::new),
                    carried.stream().map(PartitionTree.Partition::oid).toArray(Long[]::new))) {
                privileges.get(partitions.indexOf(carried.get((int) row[0] - 1))).add((String) row[1]);
            }
        }
    }

    /** The indexes of the tables named, each table's as (index, partitioned index it belongs to). */
    private static List<List<String[]>> indexes(Session s, List<String> tables) throws SQLException {
        List<List<String[]>> out = new ArrayList<>();
        tables.forEach(t -> out.add(new ArrayList<>()));
        if (!tables.isEmpty()) {
            for (Object[] row : s.query(PartitionSql.indexesWithParentsOf(), rs -> new Object[] {rs.getInt(1),
                    new String[] {rs.getString(2), rs.getString(3)}}, (Object) tables.toArray(String[]::new))) {
                out.get((int) row[0] - 1).add((String[]) row[1]);
            }
        }
        return out;
    }

    /** Returns the old partitions' indexes as (name, name in doppel's schema) pairs. */
    List<String[]> retire(Session s) throws SQLException {
        List<String[]> retired = new ArrayList<>();
        List<PartitionTree.Partition> partitions = tree.partitions();
        for (int n = 0; n < partitions.size(); n++) {
            PartitionTree.Partition p = partitions.get(n);
            List<String[]> indexes = oldIndexes.get(n);
            for (int i = 0; i < indexes.size(); i++) {
                s.execute(SwapSql.renameIndex(Identifiers.qualified(p.schema(), indexes.get(i)[0]),
                        names.oldIndexName(n) + "_" + i));
                retired.add(new String[] {indexes.get(i)[0], names.oldIndexName(n) + "_" + i});
            }
            s.execute(SwapSql.renameTable(p.qualified(), oldPartition(n)));
            s.execute(SwapSql.setSchema(Identifiers.qualified(p.schema(), oldPartition(n)), ObjectNames.SCHEMA));
        }
        return retired;
    }

    /** After the partitioned table took its place, parents before their partitions. */
    void install(Session s) throws SQLException {
        List<PartitionTree.Partition> partitions = newTree.partitions();
        for (PartitionTree.Partition p : partitions) {
            if (!p.schema().equals(ObjectNames.SCHEMA)) {
                s.execute(SwapSql.setSchema(p.shadow(), p.schema()));
            }
        }
        // Read once every copy is in place; a partition's partitioned index may be renamed just before its own.
        List<List<String[]>> copies = indexes(s, partitions.stream().map(PartitionTree.Partition::qualified).toList());
        Map<Long, Map<String, String>> original = new HashMap<>();
        List<PartitionTree.Partition> old = tree.partitions();
        for (int n = 0; n < old.size(); n++) {
            Map<String, String> byParent = new HashMap<>();
            oldIndexes.get(n).forEach(index -> byParent.put(index[1], index[0]));
            original.put(old.get(n).oid(), byParent);
        }
        Map<String, String> renamed = new HashMap<>();
        for (int n = 0; n < partitions.size(); n++) {
            PartitionTree.Partition p = partitions.get(n);
            String table = p.qualified();
            if (p.oid() == 0) {
                s.execute(SwapSql.restoreAutovacuum(table, p.reloptions()));
                continue;
            }
            Map<String, String> was = original.getOrDefault(p.oid(), Map.of());
            List<String[]> renames = new ArrayList<>();
            for (String[] index : copies.get(n)) {
                String name = was.get(renamed.getOrDefault(index[1], index[1]));
                if (name != null && !name.equals(index[0])) {
                    renames.add(new String[] {index[0], name});
                    renamed.put(index[0], name);
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
            if (p.comment() != null) {
                s.execute(SwapSql.commentOnTable(table, p.comment()));
            }
            for (String statement : privileges.get(n)) {
                s.execute(statement);
            }
        }
    }
}
