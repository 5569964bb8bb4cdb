package dev.doppel.engine.sql;

/**
 * The statements of {@code doppel lint} and {@code doppel apply} about files: table sizes, and the progress table in
 * the doppel schema that records, per file and statement, what apply has done.
 */
public final class ScriptSql {

    public static final String FILES = Identifiers.qualified("doppel", "script_files");
    public static final String STATEMENTS = Identifiers.qualified("doppel", "script_statements");

    private ScriptSql() {
    }

    /** Row estimate and total size of the table named by the one parameter, or no row when it does not exist. */
    public static String tableSize() {
        return "SELECT greatest(c.reltuples, 0)::bigint, pg_total_relation_size(c.oid) FROM pg_class c"
                + " WHERE c.oid = to_regclass(?)";
    }
}
