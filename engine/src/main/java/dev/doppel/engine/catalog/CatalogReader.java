package dev.doppel.engine.catalog;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.Session;


import java.sql.SQLException;
import java.util.List;

/** Reads a table's shape from pg_catalog; never writes. */
public final class CatalogReader {

    private final Session session;

    public CatalogReader(Session session) {
        this.session = session;
    }

    /** Looks the table up as PostgreSQL would resolve the name (search_path, quoting). */
    public TableInfo read(String tableName) throws SQLException {
        Long oid = session.one("SELECT to_regclass(?)::oid", rs -> rs.getObject(1) == null ? null : rs.getLong(1),
                tableName);
        if (oid == null) {
            throw new DoppelException(Reason.TABLE_NOT_FOUND, "table " + tableName + " does not exist (looked up as "
                    + "PostgreSQL resolves it, with search_path " + session.text("SHOW search_path")
                    + "); check the name or qualify it with its schema, e.g. public.orders");
        }
        return read(oid);
    }

    public TableInfo read(long oid) throws SQLException {
        return read(oid, true);
    }

    /**
     * The table's definition without its size: what the cut-over compares under its lock, where statting every
     * file of a large table for its size would cost milliseconds the lock should not hold.
     */
    public TableInfo definition(long oid) throws SQLException {
        return read(oid, false);
    }

    private TableInfo read(long oid, boolean withSize) throws SQLException {
        record Rel(String schema, String name, String kind, String persistence, String owner, String comment,
                   List<String> options, long rows, long bytes) {
        }
        Rel rel = session.one("SELECT n.nspname, c.relname, c.relkind, c.relpersistence, pg_get_userbyid(c.relowner),"
                        + " obj_description(c.oid, 'pg_class'), c.reloptions, greatest(c.reltuples, 0)::bigint,"
                        + (withSize ? " pg_total_relation_size(c.oid)" : " 0")
                        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?",
                rs -> new Rel(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), Session.strings(rs.getArray(7)), rs.getLong(8), rs.getLong(9)), oid);
        if (rel == null) {
            throw new DoppelException(Reason.TABLE_NOT_FOUND, "relation with oid " + oid + " no longer exists");
        }
        List<Column> columns = session.query("SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),"
                        + " a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated"
                        + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                        + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                rs -> new Column(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5),
                        flag(rs.getString(6)), flag(rs.getString(7))), oid);
        List<IndexInfo> indexes = session.query("SELECT i.relname, pg_get_indexdef(x.indexrelid), x.indisunique,"
                        + " x.indisunique AND x.indisvalid AND x.indimmediate AND x.indpred IS NULL"
                        + "   AND x.indexprs IS NULL AND NOT EXISTS (SELECT 1 FROM unnest(x.indkey[0:x.indnkeyatts - 1]) k(n)"
                        + "   JOIN pg_attribute ka ON ka.attrelid = x.indrelid AND ka.attnum = k.n WHERE NOT ka.attnotnull),"
                        + " ARRAY(SELECT ka.attname FROM unnest(x.indkey[0:x.indnkeyatts - 1]) WITH ORDINALITY k(n, o)"
                        + "   JOIN pg_attribute ka ON ka.attrelid = x.indrelid AND ka.attnum = k.n ORDER BY k.o),"
                        + " con.conname, con.contype, pg_get_constraintdef(con.oid),"
                        + " quote_ident(i.relname), quote_ident(n.nspname) || '.' || quote_ident(t.relname),"
                        + " i.relam = (SELECT oid FROM pg_am WHERE amname = 'btree') AND NOT EXISTS (SELECT 1"
                        + "   FROM generate_series(0, x.indnkeyatts - 1) k JOIN pg_attribute ka ON ka.attrelid = x.indrelid"
                        + "   AND ka.attnum = x.indkey[k] JOIN pg_opclass oc ON oc.oid = x.indclass[k]"
                        + "   WHERE x.indoption[k] & 1 = 1 OR x.indcollation[k] <> ka.attcollation OR NOT oc.opcdefault)"
                        + " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                        + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                        + " LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid"
                        + "   AND con.contype IN ('p', 'u', 'x')"
                        + " WHERE x.indrelid = ? ORDER BY i.oid",
                rs -> new IndexInfo(rs.getString(1), rs.getString(2),
                        shape(rs.getString(2), rs.getBoolean(3), rs.getString(9), rs.getString(10)),
                        rs.getBoolean(3), rs.getBoolean(4), Session.strings(rs.getArray(5)), rs.getString(6),
                        flag(rs.getString(7)), rs.getString(8), rs.getBoolean(11)), oid);
        List<ConstraintInfo> constraints = session.query("SELECT conname, contype, pg_get_constraintdef(oid), convalidated"
                        + " FROM pg_constraint WHERE conrelid = ? AND contype NOT IN ('p', 'u', 'x')"
                        // A key referencing a partitioned table has a row per referenced partition besides its own.
                        + " AND conparentid = 0 ORDER BY oid",
                rs -> new ConstraintInfo(rs.getString(1), flag(rs.getString(2)), rs.getString(3), rs.getBoolean(4)), oid);
        List<TableInfo.OwnedSequence> sequences = session.query("SELECT sn.nspname, s.relname, a.attname"
                        + " FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
                        + " JOIN pg_namespace sn ON sn.oid = s.relnamespace"
                        + " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                        + " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
                        + " AND d.refobjid = ? AND d.deptype = 'a' ORDER BY s.relname",
                rs -> new TableInfo.OwnedSequence(rs.getString(1), rs.getString(2), rs.getString(3)), oid);
        PartitionTree tree = PartitionTree.read(session, oid);
        long rows = rel.rows();
        long bytes = rel.bytes();
        if (tree.partitioned()) {
            // A partitioned table holds nothing itself: its rows and bytes are its leaves'.
            Long[] leaves = tree.leaves().stream().map(PartitionTree.Partition::oid).toArray(Long[]::new);
            rows = session.number("SELECT coalesce(sum(greatest(reltuples, 0)), 0)::bigint FROM pg_class"
                    + " WHERE oid = ANY(?::oid[])", (Object) leaves);
            bytes = withSize ? session.number("SELECT coalesce(sum(pg_total_relation_size(oid)), 0)::bigint"
                    + " FROM pg_class WHERE oid = ANY(?::oid[])", (Object) leaves) : 0;
        }
        String fingerprint = fingerprint(rel.kind() + rel.persistence(), columns, indexes, constraints, tree);
        return new TableInfo(oid, rel.schema(), rel.name(), rel.persistence().charAt(0), rel.owner(), rel.comment(),
                rel.options(), columns, indexes, constraints, sequences, rows, bytes, fingerprint, tree);
    }

    /** "UNIQUE USING btree (id)": the index without its name and table, so copies of an index match. */
    static String shape(String definition, boolean unique, String quotedIndex, String quotedTable) {
        String prefix = "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + quotedIndex + " ON ";
        String rest = definition.startsWith(prefix) ? definition.substring(prefix.length()) : definition;
        if (rest.startsWith("ONLY ")) {
            rest = rest.substring(5);
        }
        if (rest.startsWith(quotedTable)) {
            rest = rest.substring(quotedTable.length());
        }
        return (unique ? "UNIQUE" : "") + rest;
    }

    private static String fingerprint(String relation, List<Column> columns, List<IndexInfo> indexes,
                                      List<ConstraintInfo> constraints, PartitionTree tree) {
        StringBuilder sb = new StringBuilder(relation).append('\n');
        sb.append(tree.describe());
        columns.forEach(c -> sb.append(c).append('\n'));
        indexes.forEach(i -> sb.append(i.name()).append(' ').append(i.shape()).append('\n'));
        constraints.forEach(c -> sb.append(c).append('\n'));
        return Session.sha256(sb.toString()).substring(0, 32);
    }

    private static char flag(String s) {
        return s == null || s.isEmpty() ? 0 : s.charAt(0);
    }

}
