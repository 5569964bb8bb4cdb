package dev.doppel.cli;

import dev.doppel.engine.testing.TestDatabase;

/** Tables the command tests migrate. */
final class Tables {

    static final String TO_CENTS = "ALTER COLUMN total TYPE bigint USING (total*100)::bigint";

    private Tables() {
    }

    /** An orders table with {@code rows} rows, analyzed so that progress has an estimate. */
    static void orders(TestDatabase db, String table, int rows) {
        db.execute("CREATE TABLE " + table + " (id bigserial PRIMARY KEY, total numeric(12,2) NOT NULL, note text)",
                "INSERT INTO " + table + " (total, note) SELECT g / 100.0, 'n' || g FROM generate_series(1, " + rows
                        + ") g",
                "ANALYZE " + table);
    }

    static String type(TestDatabase db, String table, String column) {
        return db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" + table
                + "'::regclass AND attname = '" + column + "'");
    }

    /** The id of the newest migration of {@code table}. */
    static long migrationOf(TestDatabase db, String table) {
        return db.count("SELECT max(id) FROM doppel.migrations WHERE table_name = 'public." + table + "'");
    }
}
