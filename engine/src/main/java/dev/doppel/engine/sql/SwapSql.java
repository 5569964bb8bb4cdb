package dev.doppel.engine.sql;

import java.util.List;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The renames and catalog reads of a swap (forward or back): moving tables between schemas, giving indexes,
 * statistics, constraints and sequences their names, ownership, grants and replica identity. Identifiers given as
 * {@code qualified} are already quoted; bare names are quoted here.
 */
public final class SwapSql {

    private SwapSql() {
    }

    /** Gives {@code table} the autovacuum settings among {@code reloptions} back, or the defaults when none. */
    public static String restoreAutovacuum(String table, List<String> reloptions) {
        List<String> kept = reloptions.stream().filter(o -> o.startsWith("autovacuum_enabled=")).toList();
        return "ALTER TABLE " + table + " RESET (autovacuum_enabled, toast.autovacuum_enabled)"
                + (kept.isEmpty() ? "" : ", SET (" + String.join(", ", kept) + ")");
    }

    public static String renameTable(String qualified, String name) {
        return "ALTER TABLE " + qualified + " RENAME TO " + quote(name);
    }

    public static String setSchema(String qualified, String schema) {
        return "ALTER TABLE " + qualified + " SET SCHEMA " + quote(schema);
    }

    public static String renameIndex(String qualified, String name) {
        return "ALTER INDEX " + qualified + " RENAME TO " + quote(name);
    }

    public static String renameConstraint(String table, String from, String to) {
        return "ALTER TABLE " + table + " RENAME CONSTRAINT " + quote(from) + " TO " + quote(to);
    }

    public static String renameSequence(String qualified, String name) {
        return "ALTER SEQUENCE " + qualified + " RENAME TO " + quote(name);
    }

    public static String renameStatistics(String qualified, String name) {
        return "ALTER STATISTICS " + qualified + " RENAME TO " + quote(name);
    }

    public static String renameStatisticsQuoted(String qualified, String quotedName) {
        return "ALTER STATISTICS " + qualified + " RENAME TO " + quotedName;
    }

    public static String setStatisticsSchema(String qualified, String quotedSchema) {
        return "ALTER STATISTICS " + qualified + " SET SCHEMA " + quotedSchema;
    }

    /** {@code owner} is "NONE" or a quoted table.column. */
    public static String sequenceOwnedBy(String qualified, String owner) {
        return "ALTER SEQUENCE " + qualified + " OWNED BY " + owner;
    }

    /**
     * A table's extended statistics objects: quoted schema, quoted name, and the columns they cover. Parameter: the
     * table, by OID ({@code byName} false) or by its quoted name.
     */
    public static String statisticsOf(boolean byName) {
        return "SELECT quote_ident(n.nspname), quote_ident(x.stxname), pg_get_statisticsobjdef_columns(x.oid)"
                + " FROM pg_statistic_ext x JOIN pg_namespace n ON n.oid = x.stxnamespace"
                + " WHERE x.stxrelid = " + (byName ? "to_regclass(?)" : "?") + " ORDER BY x.oid";
    }

    /** GRANT statements that give {@code table} the ACL of the table with OID (parameter 1). */
    public static String grantsLike(String table) {
        return "SELECT 'GRANT ' || a.privilege_type || ' ON ' || " + Identifiers.literal(table) + " || ' TO '"
                + " || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END"
                + " || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END"
                + " FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = ?";
    }

    /** The replica identity kind of the table (parameter: OID): d, f, n or i. */
    public static String replicaIdentityKind() {
        return "SELECT relreplident::text FROM pg_class WHERE oid = ?";
    }

    /** The index serving as replica identity of the table (parameter: OID). */
    public static String replicaIdentityIndex() {
        return "SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
                + " WHERE x.indrelid = ? AND x.indisreplident";
    }

    public static String replicaIdentity(String table, String clause) {
        return "ALTER TABLE " + table + " REPLICA IDENTITY " + clause;
    }

    public static String commentOnTable(String table, String comment) {
        return "COMMENT ON TABLE " + table + " IS " + Identifiers.literal(comment);
    }

    public static String commentOnConstraint(String table, String constraint, String comment) {
        return "COMMENT ON CONSTRAINT " + quote(constraint) + " ON " + table + " IS " + Identifiers.literal(comment);
    }

    /** The comment of constraint (parameter 2) of the table with OID (parameter 1). */
    public static String constraintComment() {
        return "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conrelid = ? AND conname = ?";
    }

    public static String ownerTo(String table, String owner) {
        return "ALTER TABLE " + table + " OWNER TO " + quote(owner);
    }

    public static String addConstraintNotValid(String table, String name, String definition) {
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + quote(name) + " " + definition + " NOT VALID";
    }

    public static String dropConstraint(String table, String quotedName) {
        return "ALTER TABLE " + table + " DROP CONSTRAINT " + quotedName;
    }

    /** The quoted names of the foreign keys of the table (parameter: its quoted name). */
    public static String foreignKeysOf() {
        return "SELECT quote_ident(conname) FROM pg_constraint WHERE conrelid = to_regclass(?) AND contype = 'f'";
    }

    /** Indexes of the table (parameter 1: OID) whose names start with a prefix (parameters 2, 3: length, prefix). */
    public static String indexesNamed() {
        return "SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
                + " WHERE x.indrelid = ? AND left(c.relname, ?) = ?";
    }

    /** Non-index constraints of the table (parameter 1: OID) named with a prefix (parameters 2, 3). */
    public static String constraintsNamed() {
        return "SELECT conname FROM pg_constraint WHERE conrelid = ? AND contype NOT IN ('p', 'u', 'x')"
                + " AND left(conname, ?) = ?";
    }

    /** Sequences depending on the table (parameter 1: OID) named with a prefix (parameters 2, 3). */
    public static String sequencesNamed() {
        return "SELECT c.relname FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'"
                + " WHERE d.refobjid = ? AND d.classid = 'pg_class'::regclass AND left(c.relname, ?) = ?";
    }

    /** Identity columns of the table (parameter: its quoted name). */
    public static String identityColumns() {
        return "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped"
                + " AND attidentity <> ''";
    }

    /** Carries a sequence's position over to the identity column {@code column} of {@code table}. */
    public static String continueIdentity(String table, String column, String oldSequence) {
        return "SELECT setval(pg_get_serial_sequence(" + Identifiers.literal(table) + ", " + Identifiers.literal(column)
                + "), last_value, is_called) FROM " + oldSequence;
    }
}
