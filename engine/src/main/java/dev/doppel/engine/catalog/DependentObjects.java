package dev.doppel.engine.catalog;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.BoundSql;
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

    /**
     * Refuses to go on with migration {@code id} when objects doppel cannot carry appeared on the table since it
     * started (a materialized view, a rule, a FOR ALL TABLES publication): the swap would lose them.
     */
    public static void refuseAppeared(Session s, TableInfo t, long id) throws SQLException {
        List<String> blockers = blockers(s, t);
        if (!blockers.isEmpty()) {
            throw new DoppelException(Reason.UNSUPPORTED_DEPENDENTS, "since migration " + id + " started, objects"
                    + " doppel cannot carry appeared on " + t.display() + ":\n  - " + String.join("\n  - ", blockers)
                    + "\nNothing was swapped; remove them and resume, or abort");
        }
    }

    /** What stops doppel from swapping this table today. */
    public static List<String> blockers(Session s, TableInfo t) throws SQLException {
        List<String> out = new ArrayList<>();
        String kind = s.text("SELECT relkind::text FROM pg_class WHERE oid = ?", t.oid());
        if (!"r".equals(kind) && !"p".equals(kind)) {
            out.add(t.display() + " is not a table (relkind '" + kind + "'); doppel rewrites heap tables and"
                    + " partitioned tables only; views and foreign tables are not supported");
        }
        if (s.number("SELECT count(*) FROM pg_class WHERE oid = ? AND relispartition", t.oid()) > 0) {
            // A repack of the partition alone; the preflight refuses any other rewrite of one.
            out.addAll(LeafPartition.blockers(s, t));
        } else if (s.number("SELECT count(*) FROM pg_class WHERE oid = ? AND reloftype <> 0", t.oid()) > 0) {
            out.add(t.display() + " is a typed table; doppel cannot swap it");
        } else if (s.number("SELECT count(*) FROM pg_inherits WHERE inhrelid = ? OR (inhparent = ? AND NOT ?)", t.oid(),
                t.oid(), t.partitions().partitioned()) > 0) {
            out.add(t.display() + " takes part in table inheritance; doppel cannot swap it");
        }
        if (t.partitions().partitioned() && out.isEmpty()) {
            out.addAll(t.partitions().blockers(s, t.display()));
        }
        // Views are recreated at the swap; anything hanging off them that is not a plain view would be lost.
        // Materialized views reading the table itself are built again (MaterializedViews); not those reading it
        // through a view, nor those other views read.
        for (String[] dependent : s.query("WITH RECURSIVE deps(oid, direct) AS ("
                + " SELECT r.ev_class, true FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid"
                + "  WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass"
                + "  AND d.refobjid = ? AND r.ev_class <> ?"
                + " UNION SELECT r.ev_class, false FROM deps JOIN pg_class c ON c.oid = deps.oid AND c.relkind = 'v'"
                + "  JOIN pg_depend d ON d.refobjid = deps.oid AND d.refclassid = 'pg_class'::regclass"
                + "  AND d.classid = 'pg_rewrite'::regclass JOIN pg_rewrite r ON r.oid = d.objid WHERE r.ev_class <> deps.oid)"
                + " SELECT c.oid::regclass::text, CASE WHEN c.relkind = 'm' AND NOT deps.direct"
                + "   THEN 'materialized view'"
                + "   WHEN c.relkind = 'm' AND EXISTS (SELECT 1 FROM pg_depend v JOIN pg_rewrite w ON w.oid = v.objid"
                + "     WHERE v.classid = 'pg_rewrite'::regclass AND v.refclassid = 'pg_class'::regclass"
                + "     AND v.refobjid = c.oid AND w.ev_class <> c.oid) THEN 'materialized view that views read'"
                + "   WHEN EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid) THEN 'view with triggers'"
                + "   WHEN EXISTS (SELECT 1 FROM pg_rewrite w WHERE w.ev_class = c.oid AND w.rulename <> '_RETURN')"
                + "     THEN 'view with rules'"
                + "   WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL)"
                + "     THEN 'view with column privileges' END FROM deps JOIN pg_class c ON c.oid = deps.oid ORDER BY 1",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, t.oid(), t.oid())) {
            if (dependent[1] != null) {
                out.add(dependent[1] + " " + dependent[0] + " depends on " + t.display() + "; doppel recreates plain"
                        + " dependent views at the swap but cannot carry this one yet: drop it before the migration"
                        + " and recreate it after");
            }
        }
        // These follow the table's OID, not its name: after the swap they would go on reading the old table, and
        // see it emptied when it is dropped. Views are recreated at the swap; these are not carried yet.
        for (String bound : s.query(BoundSql.elsewhere(false), rs -> rs.getString(1), t.oid())) {
            out.add(bound + " is bound to " + t.display() + " itself (PostgreSQL tracks it by the table's identity,"
                    + " not its name): after the swap it would go on reading the old table. Drop it before the"
                    + " migration and create it again after");
        }
        for (String pub : s.query("SELECT pubname FROM pg_publication WHERE puballtables ORDER BY 1",
                rs -> rs.getString(1))) {
            out.add("publication " + pub + " is FOR ALL TABLES: it would publish doppel's working tables too (the"
                    + " copy into doppel.shadow_" + t.oid() + " and the change log doppel.log_" + t.oid() + "), which"
                    + " its subscribers do not have, so each subscriber's apply worker would stop with \"logical"
                    + " replication target relation ... does not exist\" and replicate no table of " + pub + " until"
                    + " those tables exist there; PostgreSQL cannot leave a table out of such a publication (and"
                    + " unlogged working tables would make the swap rewrite the table under its lock), so migrate"
                    + " while " + pub + " names its tables (FOR TABLE, or FOR TABLES IN SCHEMA without doppel's)");
        }
        for (String rule : s.query("SELECT rulename FROM pg_rules WHERE schemaname = ? AND tablename = ?",
                rs -> rs.getString(1), t.schema(), t.name())) {
            out.add("rule " + rule + " on " + t.display() + " would be lost by the swap; rules are not carried yet");
        }
        for (String index : s.query("SELECT c.relname || ' (tablespace ' || ts.spcname || ')' FROM pg_index x"
                + " JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_tablespace ts ON ts.oid = c.reltablespace"
                + " WHERE x.indrelid = ? ORDER BY 1", rs -> rs.getString(1), t.oid())) {
            out.add("index " + index + " of " + t.display() + " lives in its own tablespace, which the rebuilt index"
                    + " would not keep yet; move it to the table's tablespace first, or back after the migration");
        }
        if (t.persistence() == 't') {
            out.add(t.display() + " is a temporary table; other sessions cannot see it, so doppel cannot copy it");
        }
        return out;
    }
}
