package dev.doppel.engine.sql;

/**
 * The statements of {@code doppel lint} and {@code doppel apply} about files: table sizes, the indexes of a table,
 * and the progress tables in the doppel schema that record, per file and statement, what apply has done.
 */
public final class ScriptSql {

    public static final String FILES = Identifiers.qualified(ObjectNames.SCHEMA, "script_files");
    public static final String STATEMENTS = Identifiers.qualified(ObjectNames.SCHEMA, "script_statements");
    /** The first key of apply's advisory locks, the second being the file name's hash. */
    private static final int LOCK_SPACE = 6582129;

    private ScriptSql() {
    }

    /** A table as a statement named it, quoted; without a schema it is found on the search_path. */
    public static String table(String schema, String name) {
        return schema == null ? Identifiers.quote(name) : Identifiers.qualified(schema, name);
    }

    /** Row estimate and total size of the table named by the one parameter, or no row when it does not exist. */
    public static String tableSize() {
        return "SELECT greatest(c.reltuples, 0)::bigint, pg_total_relation_size(c.oid) FROM pg_class c"
                + " WHERE c.oid = to_regclass(?)";
    }

    /** Serialises the first creation of the tables below, as {@code MigrationStore} does for its own. */
    public static String schemaLock() {
        return "SELECT pg_advisory_xact_lock(" + LOCK_SPACE + ", 0)";
    }

    public static String createSchema() {
        return "CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(ObjectNames.SCHEMA);
    }

    public static String createFiles() {
        return "CREATE TABLE IF NOT EXISTS " + FILES + " (script text PRIMARY KEY, checksum text NOT NULL,"
                + " statements int NOT NULL, state text NOT NULL CHECK (state IN ('running', 'failed', 'done')),"
                + " started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz, error text)";
    }

    public static String createStatements() {
        return "CREATE TABLE IF NOT EXISTS " + STATEMENTS + " (script text NOT NULL REFERENCES " + FILES
                + " ON DELETE CASCADE, ordinal int NOT NULL, line int NOT NULL, statement_hash text NOT NULL,"
                + " state text NOT NULL CHECK (state IN ('started', 'done')), route text NOT NULL, detail text,"
                + " updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (script, ordinal))";
    }

    /** Without waiting: one apply of a file at a time; held by the session, so gone with a killed process. */
    public static String tryLockScript() {
        return "SELECT pg_try_advisory_lock(" + LOCK_SPACE + ", hashtext(?))";
    }

    public static String unlockScript() {
        return "SELECT pg_advisory_unlock(" + LOCK_SPACE + ", hashtext(?))";
    }

    public static String fileRecord() {
        return "SELECT checksum, state, error FROM " + FILES + " WHERE script = ?";
    }

    public static String startFile() {
        return "INSERT INTO " + FILES + " (script, checksum, statements, state) VALUES (?, ?, ?, 'running')"
                + " ON CONFLICT (script) DO UPDATE SET checksum = excluded.checksum, statements = excluded.statements,"
                + " state = 'running', error = NULL, finished_at = NULL";
    }

    public static String finishFile() {
        return "UPDATE " + FILES + " SET state = ?, error = ?, finished_at = now() WHERE script = ?";
    }

    public static String statementRecords() {
        return "SELECT ordinal, statement_hash, state, detail FROM " + STATEMENTS + " WHERE script = ? ORDER BY ordinal";
    }

    public static String recordStatement() {
        return "INSERT INTO " + STATEMENTS + " (script, ordinal, line, statement_hash, state, route, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (script, ordinal) DO UPDATE SET line = excluded.line,"
                + " statement_hash = excluded.statement_hash, state = excluded.state, route = excluded.route,"
                + " detail = excluded.detail, updated_at = now()";
    }

    /** The OIDs of the table's indexes, valid or not, as text ("{1,2}"); NULL when the table does not exist. */
    public static String indexOids() {
        return "SELECT coalesce(array_agg(indexrelid ORDER BY indexrelid), '{}')::text FROM pg_index"
                + " WHERE indrelid = to_regclass(?)";
    }

    /** Indexes of the table not in the given OID list: schema, name, and whether they are valid. */
    public static String newIndexes() {
        return "SELECT n.nspname, c.relname, x.indisvalid FROM pg_index x"
                + " JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE x.indrelid = to_regclass(?) AND NOT (x.indexrelid = ANY (?::oid[])) ORDER BY x.indexrelid";
    }

    public static String dropIndexConcurrently(String schema, String index) {
        return "DROP INDEX CONCURRENTLY IF EXISTS " + Identifiers.qualified(schema, index);
    }

    public static String lockTimeout(long millis) {
        return "SET lock_timeout = '" + millis + "ms'";
    }

    public static String localLockTimeout(long millis) {
        return "SET LOCAL lock_timeout = '" + millis + "ms'";
    }
}
