package dev.doppel.engine.sql;

import java.util.List;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The catalog reads and statements of a partitioned table: its tree, what belongs to one partition alone, the
 * shadow tree's partitions and the renames that give them their partitions' names back at the swap. Bounds and
 * partition keys enter as PostgreSQL prints them ({@code pg_get_expr}, {@code pg_get_partkeydef}).
 */
public final class PartitionSql {

    private PartitionSql() {
    }

    /** The partition key of a partitioned table (parameter: OID); no row for any other relation. */
    public static String partitionKey() {
        return "SELECT pg_get_partkeydef(c.oid) FROM pg_class c WHERE c.oid = ? AND c.relkind = 'p'";
    }

    /**
     * Every partition under a partitioned table (parameter: its OID), parents before their partitions: OID,
     * schema, name, parent OID, bound, own partition key (null for a leaf), relkind, persistence, reloptions,
     * tablespace, owner, comment.
     */
    public static String partitionsOf() {
        return "SELECT c.oid, n.nspname, c.relname, t.parentrelid::oid::bigint, pg_get_expr(c.relpartbound, c.oid),"
                + " CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, c.relkind::text,"
                + " c.relpersistence::text, c.reloptions, ts.spcname, pg_get_userbyid(c.relowner),"
                + " obj_description(c.oid, 'pg_class') FROM pg_partition_tree(?::oid::regclass) t"
                + " JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace WHERE t.level > 0"
                + " ORDER BY t.level, n.nspname, c.relname";
    }

    /**
     * What belongs to one partition and not to the partitioned table, as (partition, object) rows: its own
     * indexes, constraints, triggers, policies, rules, statistics, views, publications, foreign keys pointing at it,
     * a replica identity or row security of its own, and columns in another order than the root's (doppel's own
     * TRUNCATE triggers, forward and revert, aside). Parameters: the partitions' OIDs (bigint[]).
     */
    public static String partitionOwnObjects() {
        return "WITH p AS (SELECT c.oid, c.oid::regclass::text AS name FROM pg_class c WHERE c.oid = ANY(?::oid[]))"
                + " SELECT p.name, 'index ' || i.relname FROM p JOIN pg_index x ON x.indrelid = p.oid"
                + "  JOIN pg_class i ON i.oid = x.indexrelid"
                + "  WHERE NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = x.indexrelid)"
                + " UNION ALL SELECT p.name, 'constraint ' || con.conname FROM p JOIN pg_constraint con"
                + "  ON con.conrelid = p.oid WHERE con.contype IN ('c', 'f', 'p', 'u', 'x') AND con.coninhcount = 0"
                + "  AND con.conparentid = 0"
                + " UNION ALL SELECT p.name, 'trigger ' || tg.tgname FROM p JOIN pg_trigger tg ON tg.tgrelid = p.oid"
                + "  WHERE NOT tg.tgisinternal AND tg.tgparentid = 0"
                + "  AND tg.tgname !~ '^doppel_(capture|revert)_[0-9]+_truncate$'"
                + " UNION ALL SELECT p.name, 'policy ' || pol.polname FROM p JOIN pg_policy pol ON pol.polrelid = p.oid"
                + " UNION ALL SELECT p.name, 'row-level security' FROM p JOIN pg_class c ON c.oid = p.oid"
                + "  WHERE c.relrowsecurity"
                + " UNION ALL SELECT p.name, 'replica identity ' || c.relreplident::text FROM p JOIN pg_class c"
                + "  ON c.oid = p.oid WHERE c.relreplident <> 'd'"
                + " UNION ALL SELECT p.name, 'rule ' || r.rulename FROM p JOIN pg_rewrite r ON r.ev_class = p.oid"
                + " UNION ALL SELECT p.name, 'statistics object ' || x.stxname FROM p"
                + "  JOIN pg_statistic_ext x ON x.stxrelid = p.oid"
                + " UNION ALL SELECT DISTINCT p.name, 'view ' || r.ev_class::regclass::text FROM p JOIN pg_depend d"
                + "  ON d.refobjid = p.oid AND d.refclassid = 'pg_class'::regclass"
                + "  AND d.classid = 'pg_rewrite'::regclass"
                + "  JOIN pg_rewrite r ON r.oid = d.objid AND r.ev_class <> p.oid"
                + " UNION ALL SELECT p.name, 'publication ' || pub.pubname FROM p JOIN pg_publication_rel pr"
                + "  ON pr.prrelid = p.oid JOIN pg_publication pub ON pub.oid = pr.prpubid"
                + " UNION ALL SELECT p.name, 'foreign key ' || con.conname || ' of ' || con.conrelid::regclass::text"
                + "  FROM p JOIN pg_constraint con ON con.confrelid = p.oid AND con.contype = 'f'"
                + "  AND con.conparentid = 0"
                + " UNION ALL SELECT p.name, 'its column order (' || string_agg(a.attname, ', ' ORDER BY a.attnum)"
                + "  || ')'"
                + "  FROM p JOIN pg_attribute a ON a.attrelid = p.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + "  GROUP BY p.oid, p.name HAVING array_agg(a.attname::text ORDER BY a.attnum) <> (SELECT"
                + "  array_agg(ra.attname::text ORDER BY ra.attnum) FROM pg_attribute ra WHERE ra.attrelid ="
                + "  (SELECT pt.relid FROM pg_partition_root(p.oid) pt(relid)) AND ra.attnum > 0"
                + "  AND NOT ra.attisdropped)"
                + " ORDER BY 1, 2";
    }

    /**
     * The leaves of a partitioned table (parameter: its name, as text) as (partition constraint, bound): the
     * constraint as PostgreSQL checks a row against it, over the table's column names.
     */
    public static String leafConstraints() {
        return "SELECT pg_get_partition_constraintdef(c.oid), pg_get_expr(c.relpartbound, c.oid)"
                + " FROM pg_partition_tree(to_regclass(?)) t JOIN pg_class c ON c.oid = t.relid"
                + " WHERE t.isleaf AND t.level > 0";
    }

    /** A condition true for a row some partition takes: any of the leaves' partition constraints holds. */
    public static String insideAny(List<String> constraints) {
        return "coalesce(" + String.join(" OR ", constraints.stream().map(c -> "(" + c + ")").toList()) + ", false)";
    }

    /** How many rows of {@code table} (quoted) the condition {@code inside} leaves out. */
    public static String countOutside(String table, String inside) {
        return "SELECT count(*) FROM " + table + " WHERE NOT " + inside;
    }

    /** The first {@code limit} distinct values of the partition key (its expressions) among those rows, as text. */
    public static String keysOutside(String table, String keyExpressions, String inside, int limit) {
        return "SELECT DISTINCT (" + keyExpressions + ")::text FROM " + table + " WHERE NOT " + inside
                + " ORDER BY 1 LIMIT " + limit;
    }

    /**
     * The foreign keys that reference a table (parameter 1: its OID) through one of its indexes (parameters 2 and
     * 3: the index's name and quoted schema), as "name of table".
     */
    public static String foreignKeysThrough() {
        return "SELECT con.conname || ' of ' || con.conrelid::regclass::text FROM pg_constraint con"
                + " JOIN pg_class i ON i.oid = con.conindid WHERE con.contype = 'f' AND con.confrelid = ?"
                + " AND i.relname = ? AND i.relnamespace = ?::regnamespace ORDER BY 1";
    }

    /** The clause that makes {@code LIKE <source>} a partitioned table. */
    public static String partitionBy(String key) {
        return " PARTITION BY " + key;
    }

    /**
     * A partition of the shadow tree: {@code parent} (quoted) gets {@code table} (quoted) with the bound, its own
     * partition key when it has one, and the source partition's storage options and tablespace.
     */
    public static String createPartition(String table, String parent, boolean unlogged, String bound, String key,
                                         List<String> reloptions, String tablespace) {
        return "CREATE " + (unlogged ? "UNLOGGED " : "") + "TABLE " + table + " PARTITION OF " + parent + " " + bound
                + (key == null ? "" : partitionBy(key))
                + (reloptions.isEmpty() ? "" : " WITH (" + String.join(", ", reloptions) + ")")
                + (tablespace == null ? "" : " TABLESPACE " + quote(tablespace));
    }

    /**
     * A partitioned index's definition as one that builds on every partition: {@code pg_get_indexdef} prints it
     * {@code ON ONLY}, which would create it on the partitioned table alone, invalid until each partition's is
     * attached.
     */
    public static String onEveryPartition(String definition) {
        return definition.replaceFirst(" ON ONLY ", " ON ");
    }


    /**
     * The indexes of many tables and the partitioned index each belongs to, in one round trip (parameter: the
     * tables' names, text[]); rows (the table's position from 1, index, partitioned index or null), each table's in
     * index OID order.
     */
    public static String indexesWithParentsOf() {
        return "SELECT u.n, i.relname, pi.relname FROM unnest(CAST(? AS text[])) WITH ORDINALITY u(name, n)"
                + " JOIN pg_index x ON x.indrelid = to_regclass(u.name) JOIN pg_class i ON i.oid = x.indexrelid"
                + " LEFT JOIN pg_inherits h ON h.inhrelid = x.indexrelid LEFT JOIN pg_class pi ON pi.oid = h.inhparent"
                + " ORDER BY u.n, x.indexrelid";
    }

    /** The data files of a tree's partitions (parameter: the partitioned table, as text): a TRUNCATE gives new ones. */
    public static String treeFiles(String table) {
        return "(SELECT string_agg(pg_relation_filenode(relid)::text, ',' ORDER BY relid) FROM pg_partition_tree("
                + Identifiers.literal(table) + "::regclass))";
    }

    /**
     * How many leaf partitions of a partitioned table (parameter 1: its quoted name) have constraint (parameter 2)
     * NOT VALID or lack it.
     */
    public static String leavesWithoutValid() {
        return "SELECT count(*) FROM pg_partition_tree(?::regclass) t WHERE t.isleaf AND NOT EXISTS (SELECT 1"
                + " FROM pg_constraint c WHERE c.conrelid = t.relid AND c.conname = ? AND c.convalidated)";
    }

    /** Whether a table (parameter 1: its quoted name) has constraint (parameter 2) itself. */
    public static String hasConstraint() {
        return "SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass(?) AND conname = ?";
    }

    /** Adds a constraint to a table; before PostgreSQL 18 a partitioned one cannot take a foreign key NOT VALID. */
    public static String addConstraint(String table, String name, String definition, boolean notValid) {
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + quote(name) + " " + definition
                + (notValid ? " NOT VALID" : "");
    }

    /** A TRUNCATE trigger on one partition: a partition truncated directly fires its own, not the root's. */
    public static String truncateTrigger(String trigger, String partition, String function) {
        return "CREATE TRIGGER " + quote(trigger) + " AFTER TRUNCATE ON " + partition
                + " FOR EACH STATEMENT EXECUTE FUNCTION " + function + "()";
    }

    public static String enableAlways(String table, String trigger) {
        return "ALTER TABLE " + table + " ENABLE ALWAYS TRIGGER " + quote(trigger);
    }

    /**
     * The partition with the OID given, when it is one: its parent's schema and name, its bound, its partition
     * constraint (null when it has none), the schema and name of its parent's default partition when that is
     * another partition, and whether that default partition is a plain table of the root's with a constraint to
     * negate. No row for a table that is no partition.
     */
    public static String partitionOf() {
        return "SELECT pn.nspname, p.relname, pg_get_expr(c.relpartbound, c.oid),"
                + " pg_get_partition_constraintdef(c.oid), dn.nspname, d.relname,"
                + " coalesce(d.relkind = 'r' AND NOT p.relispartition"
                + " AND pg_get_partition_constraintdef(c.oid) IS NOT NULL, false)"
                + " FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid"
                + " JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace"
                + " JOIN pg_partitioned_table pt ON pt.partrelid = p.oid"
                + " LEFT JOIN pg_class d ON d.oid = pt.partdefid AND d.oid <> c.oid"
                + " LEFT JOIN pg_namespace dn ON dn.oid = d.relnamespace WHERE c.oid = ? AND c.relispartition";
    }

    /** The root of the tree a partition (parameter: OID) belongs to, as schema.name. */
    public static String rootOf() {
        return "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.oid = pg_partition_root(?::oid::regclass)";
    }

    /**
     * The foreign keys that reference a partitioned table above a partition (parameters: the partition's OID,
     * twice), as "name of table".
     */
    public static String foreignKeysIntoPartition() {
        return "SELECT con.conname || ' of ' || con.conrelid::regclass::text FROM pg_constraint con"
                + " WHERE con.contype = 'f' AND con.conparentid = 0 AND con.confrelid IN (SELECT a.relid"
                + " FROM pg_partition_ancestors(?::oid::regclass) a WHERE a.relid <> ?::oid) ORDER BY 1";
    }

    /**
     * A CHECK NOT VALID on a default partition alone that no row of the partition {@code constraint} is for: once
     * validated, ATTACH PARTITION of that partition's copy need not scan the default partition.
     */
    public static String addOutsideCheck(String defaultPartition, String name, String constraint) {
        return "ALTER TABLE ONLY " + defaultPartition + " ADD CONSTRAINT " + quote(name) + " CHECK (NOT ("
                + constraint + ")) NOT VALID";
    }

    public static String dropConstraintIfExists(String table, String name) {
        return "ALTER TABLE ONLY " + table + " DROP CONSTRAINT IF EXISTS " + quote(name);
    }

    public static String validateConstraint(String table, String name) {
        return "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + quote(name);
    }

    /** A constraint's table (schema, name) and whether it is validated (parameter: the constraint's name). */
    public static String constraintNamed() {
        return "SELECT n.nspname, c.relname, con.convalidated FROM pg_constraint con JOIN pg_class c"
                + " ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE con.conname = ?";
    }

    /**
     * The identity columns of a table (parameter 1: its name) that are identity columns of a partition's parent too
     * (parameter 2: the partition's OID).
     */
    public static String parentsIdentities() {
        return "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = to_regclass(?) AND a.attidentity <> ''"
                + " AND EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_attribute pa ON pa.attrelid = i.inhparent"
                + " AND pa.attname = a.attname WHERE i.inhrelid = ? AND pa.attidentity <> '') ORDER BY a.attnum";
    }

    public static String dropIdentity(String table, String column) {
        return "ALTER TABLE " + table + " ALTER COLUMN " + quote(column) + " DROP IDENTITY";
    }

    /** The foreign keys of a table (parameter: OID), those a partition holds as its parent's included. */
    public static String foreignKeysOf() {
        return "SELECT conname FROM pg_constraint WHERE conrelid = ? AND contype = 'f' ORDER BY conname";
    }

    /**
     * The tables above a partition (parameters: its OID, twice) that carry a doppel capture trigger, as
     * schema.name: a migration of the tree is under way.
     */
    public static String ancestorsCaptured() {
        return "SELECT DISTINCT n.nspname || '.' || c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.tgname ~ '^doppel_capture_[0-9]+$'"
                + " AND t.tgrelid IN (SELECT a.relid FROM pg_partition_ancestors(?::oid::regclass) a"
                + " WHERE a.relid <> ?::oid) ORDER BY 1";
    }

    /** Locks the tables named (quoted) alone, without their partitions, as LOCK TABLE ONLY does. */
    public static String lockOnly(List<String> tables) {
        return "LOCK TABLE " + String.join(", ", tables.stream().map(t -> "ONLY " + t).toList())
                + " IN ACCESS EXCLUSIVE MODE";
    }

    public static String detach(String parent, String partition) {
        return "ALTER TABLE " + parent + " DETACH PARTITION " + partition;
    }

    /** {@code bound} as PostgreSQL prints it: "FOR VALUES ..." or "DEFAULT". */
    public static String attach(String parent, String partition, String bound) {
        return "ALTER TABLE " + parent + " ATTACH PARTITION " + partition + " " + bound;
    }

    /** The CHECK that tells ATTACH PARTITION the rows fit the bound, so that it skips its scan. */
    public static String addBoundCheck(String table, String name, String constraint) {
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + quote(name) + " CHECK (" + constraint + ")";
    }
}
