package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.TableShape;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core promise: under concurrent writes, the result equals a blocking ALTER TABLE and no write fails. */
@PostgresTest
@Tag("matrix")
class OnlineSchemaChangeEndToEndTest {

    static Options busyTableOptions() {
        return Options.defaults().withChunk(Duration.ofMillis(30), 300, 2_000).withSnapshotWait(Duration.ofSeconds(1));
    }

    /** Writers stop at the cut-over: after it, a value written to c0 means cents, not dollars. */
    static MigrationListener pauseAtCutover(OracleWriters writers) {
        return new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.CUTOVER) {
                    writers.pause();
                }
            }
        };
    }

    @Test
    void keyWideningAndNewColumnsWithWritersRunningAcrossTheCutover(TestDatabase db) throws Exception {
        TableShape shape = new TableShape(List.of(TableShape.KeyPart.INT),
                List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT, TableShape.ColumnKind.INT_ARRAY));
        Oracle.create(db, shape, "accounts", "accounts_mirror", 20_000, 2);
        String alter = "ALTER COLUMN k0 TYPE bigint, ALTER COLUMN c0 TYPE numeric(20,2),"
                + " ADD COLUMN created timestamptz DEFAULT '2020-01-01', ALTER COLUMN c1 SET DEFAULT 'none'";
        try (OracleWriters writers = new OracleWriters(db, shape, "accounts", "accounts_mirror", 20_001).start(3, 8, 0)) {
            Thread.sleep(200);
            Result result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("accounts").alter(alter)
                    .options(busyTableOptions()).build().run();
            Thread.sleep(300);
            writers.close();
            Oracle.assertNoFailures(writers);
            assertTrue(result.locks().stream().anyMatch(l -> l.what().startsWith("cut-over")));
        }
        Oracle.blockingAlter(db, "accounts_mirror", alter);
        Oracle.assertSameRows(db, "accounts", "accounts_mirror");
        Oracle.assertSameShape(db, "accounts", "accounts_mirror");
    }

    @Test
    void aKeyReplacedInARewriteIsCopiedByTheOldKeyUnderConcurrentWrites(TestDatabase db) throws Exception {
        TableShape shape = new TableShape(List.of(TableShape.KeyPart.INT),
                List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT, TableShape.ColumnKind.INT));
        db.execute("CREATE SCHEMA IF NOT EXISTS oracle");
        Oracle.create(db, shape, "rekeyed_rw", "oracle.rekeyed_rw", 20_000, 4);
        String alter = "ALTER COLUMN c2 TYPE bigint, DROP CONSTRAINT rekeyed_rw_pkey,"
                + " ADD CONSTRAINT rekeyed_rw_pkey UNIQUE (k0, c0)";
        Result result;
        try (OracleWriters writers = new OracleWriters(db, shape, "rekeyed_rw", "oracle.rekeyed_rw", 20_001)
                .start(3, 8, 0)) {
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("rekeyed_rw").alter(alter)
                    .options(busyTableOptions()).build().run();
            Thread.sleep(200);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        assertEquals(Plan.Strategy.REWRITE, result.strategy());
        Oracle.blockingAlter(db, "oracle.rekeyed_rw", alter);
        Oracle.assertSameRows(db, "rekeyed_rw", "oracle.rekeyed_rw");
        Oracle.assertSameShape(db, "rekeyed_rw", "oracle.rekeyed_rw");
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname LIKE 'doppel_key_%'"));
    }

    @ParameterizedTest(name = "{0} capture")
    @EnumSource(Options.Capture.class)
    void typeChangesWithUsingAndANewColumnUnderConcurrentWrites(Options.Capture capture, TestDatabase db)
            throws Exception {
        TableShape shape = new TableShape(List.of(TableShape.KeyPart.INT),
                List.of(TableShape.ColumnKind.NUMERIC, TableShape.ColumnKind.TEXT, TableShape.ColumnKind.JSONB));
        String table = "orders_" + capture.name().toLowerCase();
        Oracle.create(db, shape, table, table + "_mirror", 20_000, 1);
        String alter = "ALTER COLUMN k0 TYPE bigint, ALTER COLUMN c0 TYPE bigint USING (c0*100)::bigint,"
                + " ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'";
        Result result;
        try (OracleWriters writers = new OracleWriters(db, shape, table, table + "_mirror", 20_001).start(3, 7, 0)) {
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(alter)
                    .options(busyTableOptions().withCapture(capture)).listener(pauseAtCutover(writers)).build().run();
            Thread.sleep(200);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        Oracle.blockingAlter(db, table + "_mirror", alter);
        Oracle.assertSameRows(db, table, table + "_mirror");
        Oracle.assertSameShape(db, table, table + "_mirror");
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertTrue(db.count("SELECT count(*) FROM pg_statistic WHERE starelid = '" + table + "'::regclass") > 0,
                "the new table came with the statistics taken of the shadow");
        assertTrue(result.rowsCopied() >= 20_000 - 5_000, "rows copied: " + result.rowsCopied());
        assertNotNull(result.verify());
        assertNotNull(result.oldTable());
        assertEquals(1, db.count("SELECT count(*) FROM pg_indexes WHERE tablename = '" + table
                + "' AND indexname = '" + table + "_pkey'"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = '" + table + "'::regclass"
                + " AND NOT tgisinternal"));
        LogicalCaptureTest.assertNothingLeft(db);
        assertNull(db.scalar("SELECT to_regclass('doppel.log_" + result.migrationId() + "')"));
    }
}
