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

    /** A table's ACL entries, the default ACL (owner only) when it has none of its own. */
    private static String acl(String alias) {
        return "aclexplode(coalesce(" + alias + ".relacl, acldefault('r', " + alias + ".relowner)))";
    }

    /**
     * The REVOKEs and GRANTs that give each relation exactly the privileges of another, for many in one round trip.
     * Parameters: the relations as they are named now (text[]), the names the statements are to call them (text[])
     * and the OIDs of the relations whose privileges each takes (bigint[]). Rows: (position from 1, statement),
     * each relation's REVOKEs (what the default privileges of doppel's role gave it) before its GRANTs.
     */
    public static String privilegesLike() {
        String grantee = " || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END";
        String same = " AND b.grantee = a.grantee AND b.privilege_type = a.privilege_type"
                + " AND b.is_grantable = a.is_grantable)";
        return "WITH u AS (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]))"
                + " WITH ORDINALITY u(current_name, called, model, n))"
                + " SELECT n, statement FROM (SELECT u.n, 0 AS k, 'REVOKE ' || a.privilege_type || ' ON ' || u.called"
                + " || ' FROM '" + grantee + " AS statement FROM u JOIN pg_class c ON c.oid = to_regclass(u.current_name),"
                + " " + acl("c") + " a WHERE NOT EXISTS (SELECT 1 FROM pg_class o, " + acl("o") + " b"
                + " WHERE o.oid = u.model::oid" + same
                + " UNION ALL SELECT u.n, 1, 'GRANT ' || a.privilege_type || ' ON ' || u.called || ' TO '" + grantee
                + " || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END FROM u JOIN pg_class o"
                + " ON o.oid = u.model::oid, " + acl("o") + " a WHERE NOT EXISTS (SELECT 1 FROM pg_class c, "
                + acl("c") + " b WHERE c.oid = to_regclass(u.current_name)" + same + ") x ORDER BY n, k";
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

    public static String dropIndexIfExists(String qualifiedIndex) {
        return "DROP INDEX IF EXISTS " + qualifiedIndex;
    }

    public static String dropConstraint(String table, String quotedName) {
        return "ALTER TABLE " + table + " DROP CONSTRAINT " + quotedName;
    }

    /** The quoted names of the foreign keys of the table (parameter: its quoted name). */
    public static String foreignKeysOf() {
        return "SELECT quote_ident(conname) FROM pg_constraint WHERE conrelid = to_regclass(?) AND contype = 'f'"
                + " AND conparentid = 0";
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

    /**
     * The identity sequences of the table (parameter: OID), as (column, qualified sequence, sequence name): they
     * move with the table they belong to, so the old table's must leave their names behind for the new table's.
     */
    public static String identitySequencesOf() {
        return "SELECT a.attname, quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relname FROM pg_depend d"
                + " JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S' JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + " WHERE d.classid = 'pg_class'::regclass AND d.refobjid = ? AND d.deptype = 'i' ORDER BY a.attnum";
    }

    /** Widens a sequence to bigint; PostgreSQL raises its maximum with it when it was the old type's. */
    public static String widenSequence(String qualified) {
        return "ALTER SEQUENCE " + qualified + " AS bigint";
    }

    /** The type and maximum of a sequence (parameter: its quoted name) when it is not bigint. */
    public static String narrowerSequence() {
        return "SELECT format_type(s.seqtypid, NULL), s.seqmax FROM pg_sequence s WHERE s.seqrelid = to_regclass(?)"
                + " AND s.seqtypid <> 'bigint'::regtype";
    }

    /** Identity columns of the table (parameter: its quoted name). */
    public static String identityColumns() {
        return "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped"
                + " AND attidentity <> ''";
    }

    /**
     * The ALTER SEQUENCE that gives {@code newSequence} the type and parameters of {@code oldSequence}: LIKE gives
     * the new identity sequence the old one's bounds but not its type.
     */
    public static String sequenceLike(String newSequence, String oldSequence) {
        return "SELECT 'ALTER SEQUENCE ' || " + Identifiers.literal(newSequence) + " || ' AS '"
                + " || format_type(seqtypid, NULL) || ' MINVALUE ' || seqmin || ' MAXVALUE ' || seqmax"
                + " || ' INCREMENT ' || seqincrement || ' START ' || seqstart || ' CACHE ' || seqcache"
                + " || CASE WHEN seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END FROM pg_sequence"
                + " WHERE seqrelid = " + Identifiers.literal(oldSequence) + "::regclass";
    }

    /**
     * The ALTER SEQUENCE ... AS that follows a type change of its identity column, as a blocking ALTER COLUMN TYPE
     * changes the sequence (bounds that were the old type's defaults become the new type's); no row when the
     * types agree. Parameters: the table (text) and the column.
     */
    public static String sequenceAsColumn(String sequence) {
        return "SELECT 'ALTER SEQUENCE ' || " + Identifiers.literal(sequence) + " || ' AS ' || format_type(a.atttypid,"
                + " NULL) FROM pg_attribute a, pg_sequence q WHERE a.attrelid = to_regclass(?) AND a.attname = ?"
                + " AND q.seqrelid = " + Identifiers.literal(sequence) + "::regclass AND q.seqtypid <> a.atttypid";
    }

    /** The sequence of a serial or identity column (parameters: the table as text, the column). */
    public static String columnSequence() {
        return "SELECT pg_get_serial_sequence(?, ?)";
    }

    /** Carries a sequence's position over to the identity column {@code column} of {@code table}. */
    public static String continueIdentity(String table, String column, String oldSequence) {
        return "SELECT setval(pg_get_serial_sequence(" + Identifiers.literal(table) + ", " + Identifiers.literal(column)
                + "), last_value, is_called) FROM " + oldSequence;
    }

    /**
     * The renames that give the indexes, identity sequences and statistics objects of a table a swap back retired
     * (and of its partitions) names of their own, {@code <prefix><n>}, in place of the swap's temporary
     * {@code doppel_old_<oid>_...} ones: the table is back under its OID, so a later migration of it uses those
     * again. Parameters: the retired table (quoted, qualified), the prefix.
     */
    public static String retiredRenames() {
        // pg_partition_tree of a plain table is empty: the table itself comes first.
        return "WITH r AS (SELECT CAST(? AS text)::regclass AS root), t AS (SELECT root AS relid FROM r"
                + " UNION SELECT p.relid FROM r, pg_partition_tree(r.root) p), o AS ("
                + " SELECT 'INDEX' AS kind, x.indexrelid::regclass::text AS name, c.relname AS now FROM t"
                + "  JOIN pg_index x ON x.indrelid = t.relid JOIN pg_class c ON c.oid = x.indexrelid"
                + " UNION ALL SELECT 'SEQUENCE', c.oid::regclass::text, c.relname FROM t JOIN pg_depend d"
                + "  ON d.refobjid = t.relid AND d.classid = 'pg_class'::regclass AND d.deptype = 'i'"
                + "  JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'"
                + " UNION ALL SELECT 'STATISTICS', quote_ident(n.nspname) || '.' || quote_ident(x.stxname), x.stxname"
                + "  FROM t JOIN pg_statistic_ext x ON x.stxrelid = t.relid JOIN pg_namespace n"
                + "  ON n.oid = x.stxnamespace)"
                + " SELECT 'ALTER ' || kind || ' ' || name || ' RENAME TO ' || quote_ident(CAST(? AS text)"
                + " || row_number() OVER (ORDER BY kind, name)) FROM o WHERE now LIKE 'doppel\\_old\\_%'";
    }
}
