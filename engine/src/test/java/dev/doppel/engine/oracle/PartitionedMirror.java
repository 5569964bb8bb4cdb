package dev.doppel.engine.oracle;

import dev.doppel.engine.testing.TestDatabase;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A partitioned table and its mirror, in two schemas under the same names: a range tree on {@code k0} with a
 * first partition, a second one hash-partitioned again in two, and a default partition that takes every key past
 * the filled rows (the keys {@link OracleWriters} inserts and moves rows to). Compared partition by partition:
 * names, kinds, bounds, indexes, constraints, options and rows.
 */
public final class PartitionedMirror {

    public static final TableShape SHAPE = new TableShape(List.of(TableShape.KeyPart.INT),
            List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT));
    public static final String TABLE = "events";

    private PartitionedMirror() {
    }

    /** Creates the tree in {@code schema} and {@code mirror} with {@code rows} equal rows (keys 1..rows). */
    public static void create(TestDatabase db, String schema, String mirror, long rows, long seed) {
        for (String s : List.of(schema, mirror)) {
            String t = s + "." + TABLE;
            db.execute("CREATE SCHEMA IF NOT EXISTS " + s,
                    SHAPE.createTable(t) + " PARTITION BY RANGE (k0)",
                    "CREATE TABLE " + t + "_a PARTITION OF " + t + " FOR VALUES FROM (MINVALUE) TO (" + rows / 2 + ")",
                    "CREATE TABLE " + t + "_b PARTITION OF " + t + " FOR VALUES FROM (" + rows / 2 + ")"
                            + " TO (" + (rows + 1) + ") PARTITION BY HASH (k0)",
                    "CREATE TABLE " + t + "_b0 PARTITION OF " + t + "_b FOR VALUES WITH (MODULUS 2, REMAINDER 0)"
                            + " WITH (fillfactor = 90)",
                    "CREATE TABLE " + t + "_b1 PARTITION OF " + t + "_b FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
                    "CREATE TABLE " + t + "_rest PARTITION OF " + t + " DEFAULT",
                    "CREATE INDEX ON " + t + " (c0)",
                    "COMMENT ON TABLE " + t + "_a IS 'the first keys'",
                    "GRANT SELECT ON " + t + "_b0 TO PUBLIC");
        }
        db.execute(SHAPE.fill(schema + "." + TABLE, rows, seed).toArray(String[]::new));
        db.execute("INSERT INTO " + mirror + "." + TABLE + " SELECT * FROM " + schema + "." + TABLE,
                "ANALYZE " + schema + "." + TABLE);
    }

    /** The tree in {@code migrated} equals the one in {@code mirror}: relations, each one's catalog and rows. */
    public static void assertSameTree(TestDatabase db, String migrated, String mirror) {
        String relations = "SELECT string_agg(relname || ' ' || relkind::text, ', ' ORDER BY relname) FROM pg_class"
                + " WHERE relnamespace = '%s'::regnamespace";
        assertEquals(db.scalar(String.format(relations, mirror)), db.scalar(String.format(relations, migrated)),
                "the relations in schema " + migrated + " differ from the blocking ALTER's");
        for (List<String> t : db.rows("SELECT relname FROM pg_class WHERE relnamespace = '" + mirror
                + "'::regnamespace AND relkind IN ('r', 'p') ORDER BY relname")) {
            String name = t.get(0);
            assertEquals(CatalogFingerprint.of(db, mirror, name), CatalogFingerprint.of(db, migrated, name),
                    "the catalog of " + migrated + "." + name + " differs from the blocking ALTER's");
            Oracle.assertSameRows(db, migrated + "." + name, mirror + "." + name);
        }
    }
}
