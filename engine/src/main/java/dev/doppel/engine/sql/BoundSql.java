package dev.doppel.engine.sql;

/**
 * Objects on other relations that PostgreSQL binds to a table's OID rather than its name: they follow the table
 * through a rename, so after a swap they go on reading the old table.
 */
public final class BoundSql {

    private BoundSql() {
    }

    /**
     * One description per object bound to the table (parameter: OID): another table's row-level policy reading it,
     * a function whose body was parsed at creation ({@code BEGIN ATOMIC}) or that takes its row type, a column of its
     * row type; with {@code viewsAndKeys}, also other relations' views and foreign keys on it (which a swap carries
     * to the new table, so only a retired table can still have them).
     */
    public static String elsewhere(boolean viewsAndKeys) {
        return "SELECT DISTINCT CASE WHEN d.classid = 'pg_policy'::regclass THEN 'policy '"
                + " || quote_ident(p.polname) || ' on ' || p.polrelid::regclass::text"
                + " WHEN d.classid = 'pg_proc'::regclass THEN 'function ' || d.objid::regprocedure::text"
                + " WHEN d.classid = 'pg_class'::regclass AND d.objsubid > 0 THEN 'column ' || d.objid::regclass::text"
                + " || '.' || quote_ident((SELECT attname FROM pg_attribute WHERE attrelid = d.objid"
                + " AND attnum = d.objsubid))"
                + " WHEN d.classid = 'pg_rewrite'::regclass THEN 'view ' || r.ev_class::regclass::text"
                + " ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END"
                + " FROM pg_depend d JOIN pg_class t ON t.oid = ?"
                + " LEFT JOIN pg_policy p ON d.classid = 'pg_policy'::regclass AND p.oid = d.objid"
                + " LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid"
                + " LEFT JOIN pg_constraint k ON d.classid = 'pg_constraint'::regclass AND k.oid = d.objid"
                + " WHERE d.deptype = 'n' AND ((d.refclassid = 'pg_class'::regclass AND d.refobjid = t.oid"
                + " AND (d.classid = 'pg_proc'::regclass OR (d.classid = 'pg_policy'::regclass AND p.polrelid <> t.oid)"
                + (viewsAndKeys ? " OR (d.classid = 'pg_rewrite'::regclass AND r.ev_class <> t.oid)"
                + " OR (d.classid = 'pg_constraint'::regclass AND k.conrelid <> t.oid)" : "") + "))"
                + " OR (d.refclassid = 'pg_type'::regclass AND d.refobjid IN (t.reltype, (SELECT typarray FROM pg_type"
                + " WHERE oid = t.reltype)) AND d.classid <> 'pg_rewrite'::regclass)) ORDER BY 1";
    }
}
