package dev.doppel.engine.sql;

import java.util.List;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The catalog reads and statements that carry a table's OID-bound dependents across a swap: inbound foreign keys,
 * user triggers, row-level security and policies, column privileges, the CLUSTER marker and publication
 * membership. Parameters are the table's OID unless said otherwise.
 */
public final class DependentsSql {

    private DependentsSql() {
    }

    /**
     * Foreign keys of other tables referencing the table: child, name, columns, parent columns, options, and a
     * partitioned child's leaf partitions (empty for a plain child). A partitioned table's partitions' parts of a key
     * are left out: they go with it.
     */
    public static String inboundForeignKeys() {
        return "SELECT c.conrelid::regclass::text, c.conname,"
                + " ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a"
                + "   ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),"
                + " ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a"
                + "   ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o),"
                + " c.confmatchtype, c.confupdtype, c.confdeltype, c.condeferrable, c.condeferred, c.convalidated,"
                + " obj_description(c.oid, 'pg_constraint'),"
                + " ARRAY(SELECT t.relid::regclass::text FROM pg_partition_tree(c.conrelid) t"
                + "   WHERE t.isleaf AND t.relid <> c.conrelid ORDER BY t.relid)"
                + " FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = ? AND c.conrelid <> ?"
                + " AND c.conparentid = 0"
                + " ORDER BY c.conrelid, c.conname";
    }

    /**
     * User triggers (name, definition, enabled state), without those named in parameter 2 (text[]) and without an
     * earlier migration's revert capture, which stays with the table it logs for.
     */
    public static String userTriggers() {
        return "SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger"
                + " WHERE tgrelid = ? AND NOT tgisinternal AND NOT tgname = ANY(?)"
                + " AND tgname NOT LIKE 'doppel\\_revert\\_%' ORDER BY tgname";
    }

    /** Policies: quoted name and the clause that follows {@code ON table} in CREATE POLICY. */
    public static String policies() {
        return "SELECT quote_ident(p.polname), 'AS '"
                + " || CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END"
                + " || ' FOR ' || CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'"
                + "   WHEN 'd' THEN 'DELETE' ELSE 'ALL' END"
                + " || ' TO ' || coalesce((SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC'"
                + "   ELSE quote_ident(pg_get_userbyid(r)) END, ', ') FROM unnest(p.polroles) r), 'PUBLIC')"
                + " || coalesce(' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')"
                + " || coalesce(' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '')"
                + " FROM pg_policy p WHERE p.polrelid = ? ORDER BY p.polname";
    }

    public static String rowSecurity() {
        return "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = ?";
    }

    /** Column privileges: column, privilege, quoted grantee, grantable. */
    public static String columnGrants() {
        return "SELECT a.attname, x.privilege_type, CASE WHEN x.grantee = 0"
                + " THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(x.grantee)) END, x.is_grantable::text"
                + " FROM pg_attribute a, aclexplode(a.attacl) x WHERE a.attrelid = ? AND a.attnum > 0"
                + " AND NOT a.attisdropped AND a.attacl IS NOT NULL ORDER BY a.attnum";
    }

    public static String clusterIndex() {
        return "SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
                + " WHERE x.indrelid = ? AND x.indisclustered";
    }

    /**
     * Publications of the table other than parameter 2: quoted name, column list (names joined by U+001F) and row
     * filter; the last two exist from PostgreSQL 15 on ({@code filters}).
     */
    public static String publications(boolean filters) {
        return "SELECT quote_ident(p.pubname), "
                + (filters ? "array_to_string(ARRAY(SELECT a.attname FROM unnest(r.prattrs) k(n) JOIN pg_attribute a"
                + " ON a.attrelid = r.prrelid AND a.attnum = k.n ORDER BY a.attnum), E'\\x1f'),"
                + " pg_get_expr(r.prqual, r.prrelid)" : "NULL, NULL")
                + " FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid WHERE r.prrelid = ?"
                + " AND p.pubname <> ? ORDER BY p.pubname";
    }

    public static String serverVersionNum() {
        return "SELECT current_setting('server_version_num')::int";
    }

    /** A referencing table's foreign key against {@code parent}, as a constraint definition; {@code options} last. */
    public static String foreignKey(List<String> childColumns, String parent, List<String> parentColumns,
                                    String options) {
        return "FOREIGN KEY (" + Identifiers.list(childColumns) + ") REFERENCES " + parent + " ("
                + Identifiers.list(parentColumns) + ") " + options;
    }

    public static String dropConstraint(String table, String name) {
        return "ALTER TABLE " + table + " DROP CONSTRAINT " + quote(name);
    }

    /** {@code state} is "DISABLE", "ENABLE REPLICA" or "ENABLE ALWAYS". */
    public static String triggerState(String table, String state, String trigger) {
        return "ALTER TABLE " + table + " " + state + " TRIGGER " + quote(trigger);
    }

    public static String dropTrigger(String trigger, String table) {
        return "DROP TRIGGER " + quote(trigger) + " ON " + table;
    }

    public static String dropPolicy(String quotedName, String table) {
        return "DROP POLICY " + quotedName + " ON " + table;
    }

    public static String rowSecurity(String table, String how) {
        return "ALTER TABLE " + table + " " + how + " ROW LEVEL SECURITY";
    }

    public static String createPolicy(String quotedName, String table, String clause) {
        return "CREATE POLICY " + quotedName + " ON " + table + " " + clause;
    }

    public static String grantColumn(String privilege, String column, String table, String grantee, boolean option) {
        return "GRANT " + privilege + " (" + quote(column) + ") ON " + table + " TO " + grantee
                + (option ? " WITH GRANT OPTION" : "");
    }

    public static String clusterOn(String table, String index) {
        return "ALTER TABLE " + table + " CLUSTER ON " + quote(index);
    }

    /** {@code columns} are quoted already, empty for all; {@code filter} may be null. */
    public static String joinPublication(String quotedPublication, String table, List<String> columns,
                                         String filter) {
        return "ALTER PUBLICATION " + quotedPublication + " ADD TABLE " + table
                + (columns.isEmpty() ? "" : " (" + String.join(", ", columns) + ")")
                + (filter == null ? "" : " WHERE (" + filter + ")");
    }

    public static String leavePublication(String quotedPublication, String table) {
        return "ALTER PUBLICATION " + quotedPublication + " DROP TABLE " + table;
    }
}
