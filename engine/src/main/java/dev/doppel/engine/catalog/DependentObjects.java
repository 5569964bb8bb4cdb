package dev.doppel.engine.catalog;

import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Objects bound to a table's OID that a rename-swap would leave pointing at the old table, and table kinds a swap
 * cannot carry. Each entry is a sentence naming the object and what to do about it.
 */
public final class DependentObjects {

    private DependentObjects() {
    }

    /**
     * What stops doppel from swapping this table today. {@code ownTrigger} is doppel's own capture trigger, which
     * is not a user trigger.
     */
    public static List<String> blockers(Session s, TableInfo t, String ownTrigger) throws SQLException {
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
        for (String fk : s.query("SELECT conname || ' on ' || conrelid::regclass::text FROM pg_constraint"
                + " WHERE contype = 'f' AND confrelid = ? ORDER BY 1", rs -> rs.getString(1), t.oid())) {
            out.add("foreign key " + fk + " references " + t.display() + "; re-pointing inbound foreign keys is not"
                    + " supported yet: drop it before the migration and re-add it (NOT VALID, then VALIDATE) after");
        }
        for (String view : s.query("SELECT DISTINCT r.ev_class::regclass::text FROM pg_depend d"
                + " JOIN pg_rewrite r ON r.oid = d.objid WHERE d.classid = 'pg_rewrite'::regclass"
                + " AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ? AND r.ev_class <> ? ORDER BY 1",
                rs -> rs.getString(1), t.oid(), t.oid())) {
            out.add("view " + view + " depends on " + t.display() + "; dependent views are not carried across the"
                    + " swap yet: drop the view and recreate it after the migration");
        }
        for (String pub : s.query("SELECT pubname FROM pg_publication_tables WHERE schemaname = ? AND tablename = ?",
                rs -> rs.getString(1), t.schema(), t.name())) {
            out.add(t.display() + " is in publication " + pub + "; publication membership is not carried across the"
                    + " swap yet");
        }
        for (String trigger : s.query("SELECT tgname FROM pg_trigger WHERE tgrelid = ? AND NOT tgisinternal"
                + " AND tgname <> ? ORDER BY 1", rs -> rs.getString(1), t.oid(), ownTrigger)) {
            out.add("trigger " + trigger + " on " + t.display() + " would be lost by the swap; user triggers are"
                    + " not carried across yet");
        }
        for (String rule : s.query("SELECT rulename FROM pg_rules WHERE schemaname = ? AND tablename = ?",
                rs -> rs.getString(1), t.schema(), t.name())) {
            out.add("rule " + rule + " on " + t.display() + " would be lost by the swap; rules are not carried yet");
        }
        if (s.number("SELECT count(*) FROM pg_class WHERE oid = ? AND (relrowsecurity OR relforcerowsecurity)", t.oid()) > 0
                || s.number("SELECT count(*) FROM pg_policy WHERE polrelid = ?", t.oid()) > 0) {
            out.add(t.display() + " has row-level security or policies; they are not carried across the swap yet");
        }
        for (String col : s.query("SELECT attname FROM pg_attribute WHERE attrelid = ? AND attnum > 0"
                + " AND NOT attisdropped AND attacl IS NOT NULL ORDER BY attnum", rs -> rs.getString(1), t.oid())) {
            out.add("column " + t.display() + "." + col + " has column-level privileges; they are not carried yet");
        }
        return out;
    }
}
