package dev.doppel.engine.catalog;

import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a rename-swap cannot carry yet, and table kinds it cannot handle (foreign keys from other tables,
 * triggers, row-level security, column privileges and the like are carried by the swap). Each entry is a
 * sentence naming the object and what to do about it.
 */
public final class DependentObjects {

    private DependentObjects() {
    }

    /** What stops doppel from swapping this table today. */
    public static List<String> blockers(Session s, TableInfo t) throws SQLException {
        List<String> out = new ArrayList<>();
        String kind = s.text("SELECT relkind::text FROM pg_class WHERE oid = ?", t.oid());
        if (!"r".equals(kind)) {
            out.add(t.display() + " is not a plain table (relkind '" + kind + "'); doppel rewrites ordinary heap tables"
                    + " only; partitioned tables, views and foreign tables are not supported");
        }
        if (s.number("SELECT count(*) FROM pg_class WHERE oid = ? AND (relispartition OR reloftype <> 0)", t.oid()) > 0) {
            out.add(t.display() + " is a partition or a typed table; doppel cannot swap it");
        }
        if (s.number("SELECT count(*) FROM pg_inherits WHERE inhrelid = ? OR inhparent = ?", t.oid(), t.oid()) > 0) {
            out.add(t.display() + " takes part in table inheritance; doppel cannot swap it");
        }
        for (String fk : s.query("SELECT c.conname || ' on ' || c.conrelid::regclass::text FROM pg_constraint c"
                + " JOIN pg_class r ON r.oid = c.conrelid WHERE c.contype = 'f' AND c.confrelid = ? AND r.relkind = 'p'"
                + " AND c.conparentid = 0 ORDER BY 1", rs -> rs.getString(1), t.oid())) {
            out.add("foreign key " + fk + " references " + t.display() + " from a partitioned table, which cannot"
                    + " take it back NOT VALID; drop it before the migration and re-add it after");
        }
        for (String view : s.query("SELECT DISTINCT r.ev_class::regclass::text FROM pg_depend d"
                + " JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class"
                + " WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass"
                + " AND d.refobjid = ? AND r.ev_class <> ? AND v.relkind = 'm' ORDER BY 1",
                rs -> rs.getString(1), t.oid(), t.oid())) {
            out.add("materialized view " + view + " depends on " + t.display() + "; materialized views are not"
                    + " carried across the swap yet: drop it and recreate it after the migration");
        }
        for (String pub : s.query("SELECT pubname FROM pg_publication WHERE puballtables ORDER BY 1",
                rs -> rs.getString(1))) {
            out.add("publication " + pub + " is FOR ALL TABLES: it would publish doppel's working tables too, and its"
                    + " subscribers lack them; migrate while it is limited to named tables");
        }
        for (String rule : s.query("SELECT rulename FROM pg_rules WHERE schemaname = ? AND tablename = ?",
                rs -> rs.getString(1), t.schema(), t.name())) {
            out.add("rule " + rule + " on " + t.display() + " would be lost by the swap; rules are not carried yet");
        }
        if (t.persistence() == 't') {
            out.add(t.display() + " is a temporary table; other sessions cannot see it, so doppel cannot copy it");
        }
        return out;
    }
}
