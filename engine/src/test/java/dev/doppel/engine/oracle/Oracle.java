package dev.doppel.engine.oracle;

import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.testing.TestDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sets up a table and its mirror, and checks the migrated table against the mirror after a blocking ALTER. */
public final class Oracle {

    private Oracle() {
    }

    /** Creates {@code table} and {@code mirror} with the same definition and the same {@code rows} rows. */
    public static void create(TestDatabase db, TableShape shape, String table, String mirror, long rows, long seed) {
        db.execute("CREATE EXTENSION IF NOT EXISTS citext", "DROP TABLE IF EXISTS " + table,
                "DROP TABLE IF EXISTS " + mirror, shape.createTable(table), shape.createTable(mirror));
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            Random r = new Random(seed);
            for (long n = 1; n <= rows; n++) {
                st.addBatch(shape.insert(table, n, r));
                if (n % 1000 == 0) {
                    st.executeBatch();
                }
            }
            st.executeBatch();
            st.execute("INSERT INTO " + mirror + " SELECT * FROM " + table);
            // Sequences somewhere past the start, as in use: their position must survive the change too.
            for (String t : List.of(table, mirror)) {
                st.execute("SELECT setval(s, " + (rows + 1000) + ") FROM (SELECT pg_get_serial_sequence('" + t
                        + "', attname) s FROM pg_attribute WHERE attrelid = '" + t + "'::regclass AND attnum > 0) x"
                        + " WHERE s IS NOT NULL");
            }
            c.commit();
            st.execute("ANALYZE " + table);
        } catch (SQLException e) {
            throw new IllegalStateException("could not fill " + table + ": " + e.getMessage(), e);
        }
    }

    /** A mirror of an existing table: same definition, same rows (generated columns recompute themselves). */
    public static void mirror(TestDatabase db, String table, String mirror) {
        String columns = db.scalar("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute"
                + " WHERE attrelid = '" + table + "'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''");
        db.execute("CREATE TABLE " + mirror + " (LIKE " + table + " INCLUDING ALL)",
                "INSERT INTO " + mirror + " (" + columns + ") OVERRIDING SYSTEM VALUE SELECT " + columns + " FROM " + table);
    }

    /** Applies the change to the mirror the blocking way, as PostgreSQL itself would. */
    public static void blockingAlter(TestDatabase db, String mirror, String alter) {
        db.execute(AlterParser.parse(alter).statementsFor(mirror).toArray(String[]::new));
    }

    /**
     * Row for row, by the rows' text: equal values spelled differently (numeric 1.0 and 1.00, citext case) are
     * different rows, as a schema dump or the application would see them.
     */
    public static void assertSameRows(TestDatabase db, String migrated, String mirror) {
        long missing = db.count("SELECT count(*) FROM (SELECT r::text FROM " + mirror + " r EXCEPT ALL SELECT r::text"
                + " FROM " + migrated + " r) x");
        long extra = db.count("SELECT count(*) FROM (SELECT r::text FROM " + migrated + " r EXCEPT ALL SELECT r::text"
                + " FROM " + mirror + " r) x");
        long rows = db.count("SELECT count(*) FROM " + mirror);
        assertEquals(0, missing + extra, migrated + " differs from the blocking-ALTER oracle: " + missing
                + " rows missing, " + extra + " rows extra, of " + rows);
        assertEquals(rows, db.count("SELECT count(*) FROM " + migrated));
    }

    /** Column names and types, in order: the migrated table must have the oracle's shape too. */
    public static void assertSameShape(TestDatabase db, String migrated, String mirror) {
        String q = "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull"
                + " THEN ' not null' ELSE '' END || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''),"
                + " ', ' ORDER BY attnum) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND"
                + " d.adnum = a.attnum WHERE attrelid = '%s'::regclass AND attnum > 0 AND NOT attisdropped";
        assertEquals(db.scalar(String.format(q, mirror)), db.scalar(String.format(q, migrated)));
    }

    /** The sequences of serial and identity columns: type, bounds and position, as the blocking ALTER left them. */
    public static void assertSameSequences(TestDatabase db, String migrated, String mirror) {
        String q = "SELECT coalesce(string_agg(a.attname || ' ' || q.data_type || ' ' || q.min_value || ' ' || q.max_value"
                + " || ' ' || coalesce(q.last_value::text, '-'), ', ' ORDER BY a.attnum), '') FROM pg_attribute a"
                + " JOIN pg_sequences q ON (quote_ident(q.schemaname) || '.' || quote_ident(q.sequencename))::regclass"
                + " = pg_get_serial_sequence('%s', a.attname)::regclass WHERE a.attrelid = '%s'::regclass"
                + " AND a.attnum > 0 AND NOT a.attisdropped";
        assertEquals(db.scalar(String.format(q, mirror, mirror)), db.scalar(String.format(q, migrated, migrated)),
                "sequences of " + migrated + " differ from the blocking-ALTER oracle's");
    }

    public static void assertNoFailures(OracleWriters writers) {
        assertTrue(writers.failures().isEmpty(), "application writes failed: " + writers.failures());
        assertTrue(writers.committed() > 0, "the writers committed nothing; the test proved nothing");
    }
}
