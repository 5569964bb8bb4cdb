package dev.doppel.engine;

import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.TableShape;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With no ALTER, doppel rewrites the table as it is, online: pg_repack's job without a server extension. */
@PostgresTest
@Tag("matrix")
class RepackTest {

    private static final TableShape SHAPE = new TableShape(List.of(TableShape.KeyPart.INT),
            List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT, TableShape.ColumnKind.NUMERIC));

    @Test
    void aBloatedTableShrinksWhileWritersRunAndNothingElseChanges(TestDatabase db) throws Exception {
        db.execute("CREATE SCHEMA IF NOT EXISTS oracle");
        Oracle.create(db, SHAPE, "bloated", "oracle.bloated", 40_000, 11);
        // Three quarters of the rows deleted: the heap keeps its pages, as a busy table's does between vacuums.
        for (String table : List.of("bloated", "oracle.bloated")) {
            db.execute("DELETE FROM " + table + " WHERE k0 % 4 <> 0", "VACUUM " + table);
        }
        db.execute("CREATE INDEX bloated_c0 ON bloated (c0)", "COMMENT ON TABLE bloated IS 'kept'",
                "CREATE INDEX bloated_c0 ON oracle.bloated (c0)", "COMMENT ON TABLE oracle.bloated IS 'kept'");
        long before = db.count("SELECT pg_relation_size('bloated')");
        String filenode = db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = 'bloated'::regclass");
        Result r;
        try (OracleWriters writers = new OracleWriters(db, SHAPE, "bloated", "oracle.bloated", 40_001).start(2, 5, 2)) {
            Thread.sleep(100);
            r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("bloated").repack(null).build().run();
            writers.pause();
            Oracle.assertNoFailures(writers);
            assertTrue(writers.slowestWriteMillis() < 1_000, "a write waited " + writers.slowestWriteMillis() + " ms");
        }
        assertEquals(Plan.Strategy.REWRITE, r.strategy());
        assertNotEquals(filenode, db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = 'bloated'::regclass"));
        long after = db.count("SELECT pg_relation_size('bloated')");
        assertTrue(after < before / 2, "heap " + before + " bytes before, " + after + " after");
        Oracle.assertSameRows(db, "bloated", "oracle.bloated");
        Oracle.assertSameShape(db, "bloated", "oracle.bloated");
    }

    @Test
    void orderByWritesTheRowsInThatOrder(TestDatabase db) {
        db.execute("CREATE TABLE events (id int PRIMARY KEY, at timestamptz NOT NULL, note text)",
                "INSERT INTO events SELECT g, now() - (g * 7919 % 10007) * interval '1 minute', 'n' || g"
                        + " FROM generate_series(1, 10000) g");
        String definition = CatalogFingerprint.of(db, "public", "events");
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("events").repack("at DESC").build()
                .plan();
        assertTrue(plan.why().startsWith("online repack"), plan.why());
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("events").repack("at DESC").build().run();
        assertEquals(0, db.count("SELECT count(*) FROM (SELECT at, lag(at) OVER (ORDER BY ctid) AS previous"
                + " FROM events) x WHERE at > previous"), "rows out of the asked order");
        assertEquals(10_000, db.count("SELECT count(*) FROM events"));
        assertEquals(definition, CatalogFingerprint.of(db, "public", "events"));
    }

    @Test
    void aRepackIsARewriteSoForbiddingRewritesRefusesItAndABadOrderIsRefusedInPlan(TestDatabase db) {
        db.execute("CREATE TABLE kept_as_is (id int PRIMARY KEY, v int)");
        DoppelException never = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("kept_as_is").repack(null)
                .options(Options.defaults().withRewrite(Options.Rewrite.NEVER)).build().plan());
        assertEquals(Reason.REWRITE_NEEDED, never.reason());
        DoppelException order = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("kept_as_is").repack("no_such_column").build().plan());
        assertEquals(Reason.INVALID_ALTER, order.reason());
        assertTrue(order.getMessage().contains("no_such_column"), order.getMessage());
    }
}
