package dev.doppel.engine.sql;

import java.util.List;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The catalog reads and statements that carry the materialized views on a table across a swap: each is built
 * again, under a doppel name in the doppel schema, from its definition against the shadow, and takes the old
 * one's place in the swap. Parameters are OIDs unless said otherwise.
 */
public final class MatviewSql {

    private MatviewSql() {
    }

    /** Materialized views reading the table itself (parameter: the table's OID), in creation order. */
    public static String onTable() {
        return "SELECT DISTINCT c.oid::bigint FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid"
                + " JOIN pg_class c ON c.oid = r.ev_class WHERE d.classid = 'pg_rewrite'::regclass"
                + " AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ? AND c.relkind = 'm' ORDER BY 1";
    }

    /**
     * One materialized view: schema, name, options, tablespace (quoted, or null), owner (quoted),
     * comment, populated, and its grants as "privilege TO grantee".
     */
    public static String describe() {
        return "SELECT n.nspname::text, c.relname::text, c.reloptions, quote_ident(t.spcname),"
                + " quote_ident(pg_get_userbyid(c.relowner)), obj_description(c.oid, 'pg_class'), c.relispopulated,"
                + " ARRAY(SELECT a.privilege_type || ' TO ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                + "   ELSE quote_ident(pg_get_userbyid(a.grantee)) END"
                + "   || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END FROM aclexplode(c.relacl) a)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace WHERE c.oid = ?";
    }

    /** Its definition, with relations the search path shows unqualified: run with the table's schema alone on it. */
    public static String definition() {
        return "SELECT pg_get_viewdef(?::oid)";
    }

    /** Column comments: quoted column, comment. */
    public static String columnComments() {
        return "SELECT quote_ident(attname), col_description(attrelid, attnum) FROM pg_attribute WHERE attrelid = ?"
                + " AND attnum > 0 AND col_description(attrelid, attnum) IS NOT NULL ORDER BY attnum";
    }

    /** Its indexes: name, definition, the prefix of the definition up to the relation, comment. */
    public static String indexes() {
        return "SELECT i.relname, pg_get_indexdef(i.oid), 'INDEX ' || quote_ident(i.relname) || ' ON '"
                + " || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' ', obj_description(i.oid, 'pg_class')"
                + " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE x.indrelid = ? ORDER BY i.oid";
    }

    /** The relations its rule reads (parameter: a materialized view's OID). */
    public static String reads() {
        return "SELECT DISTINCT d.refobjid::bigint FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid"
                + " WHERE d.classid = 'pg_rewrite'::regclass AND r.ev_class = ? AND d.refclassid = 'pg_class'::regclass"
                + " AND d.refobjid <> r.ev_class ORDER BY 1";
    }

    /** doppel's copies in its schema (parameters: the name prefix, its length). */
    public static String copies() {
        return "SELECT quote_ident(relname) FROM pg_class WHERE relnamespace = " + Identifiers.literal(ObjectNames.SCHEMA)
                + "::regnamespace AND relkind = 'm' AND left(relname, ?) = ? ORDER BY 1";
    }

    public static String searchPath(List<String> quotedSchemas) {
        return "SET LOCAL search_path = " + String.join(", ", quotedSchemas);
    }

    /** Back to {@code ?}, the search path before, for the rest of the transaction. */
    public static String restoreSearchPath() {
        return "SELECT set_config('search_path', ?, true)";
    }

    public static String createSchema(String quotedSchema) {
        return "CREATE SCHEMA " + quotedSchema;
    }

    public static String dropSchema(String quotedSchema) {
        return "DROP SCHEMA " + quotedSchema;
    }

    public static String setTableSchema(String qualified, String quotedSchema) {
        return "ALTER TABLE " + qualified + " SET SCHEMA " + quotedSchema;
    }

    public static String create(String qualified, List<String> options, String tablespace, String definition,
                                boolean populated) {
        return "CREATE MATERIALIZED VIEW " + qualified + (options.isEmpty() ? "" : " WITH (" + String.join(", ",
                options) + ")") + (tablespace == null ? "" : " TABLESPACE " + tablespace) + " AS "
                + definition.strip().replaceAll(";$", "") + (populated ? " WITH DATA" : " WITH NO DATA");
    }

    public static String drop(String qualified) {
        return "DROP MATERIALIZED VIEW " + qualified;
    }

    public static String dropIfExists(String qualified) {
        return "DROP MATERIALIZED VIEW IF EXISTS " + qualified;
    }

    public static String setSchema(String qualified, String quotedSchema) {
        return "ALTER MATERIALIZED VIEW " + qualified + " SET SCHEMA " + quotedSchema;
    }

    public static String rename(String qualified, String name) {
        return "ALTER MATERIALIZED VIEW " + qualified + " RENAME TO " + quote(name);
    }

    public static String ownerTo(String qualified, String quotedOwner) {
        return "ALTER MATERIALIZED VIEW " + qualified + " OWNER TO " + quotedOwner;
    }

    public static String grant(String qualified, String privilegeToGrantee) {
        int to = privilegeToGrantee.indexOf(" TO ");
        return "GRANT " + privilegeToGrantee.substring(0, to) + " ON " + qualified + privilegeToGrantee.substring(to);
    }

    public static String comment(String qualified, String comment) {
        return "COMMENT ON MATERIALIZED VIEW " + qualified + " IS " + Identifiers.literal(comment);
    }

    public static String columnComment(String qualified, String quotedColumn, String comment) {
        return "COMMENT ON COLUMN " + qualified + "." + quotedColumn + " IS " + Identifiers.literal(comment);
    }

    public static String indexComment(String qualifiedIndex, String comment) {
        return "COMMENT ON INDEX " + qualifiedIndex + " IS " + Identifiers.literal(comment);
    }

    public static String renameIndex(String qualifiedIndex, String name) {
        return "ALTER INDEX " + qualifiedIndex + " RENAME TO " + quote(name);
    }

    public static String renameTable(String qualified, String name) {
        return "ALTER TABLE " + qualified + " RENAME TO " + quote(name);
    }
}
