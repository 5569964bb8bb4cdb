package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.TableShape;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Triggerless capture through a pgoutput slot: the same oracle as trigger capture (writers across the cut-over,
 * the result equal to a blocking ALTER), plus what only a stream can get wrong: keys that change, TOASTed values
 * the stream leaves out, TRUNCATE, a transaction open across the slot's creation, and the slot left behind.
 */
@PostgresTest
@Tag("matrix")
class LogicalCaptureTest {

    static Options logical() {
        return OnlineSchemaChangeEndToEndTest.busyTableOptions().withCapture(Options.Capture.LOGICAL);
    }

    @Test
    void writersAcrossTheCutoverWithoutATrigger(TestDatabase db) throws Exception {
        TableShape shape = new TableShape(List.of(TableShape.KeyPart.INT),
                List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT, TableShape.ColumnKind.INT_ARRAY));
        Oracle.create(db, shape, "accounts", "accounts_mirror", 20_000, 3);
        String alter = "ALTER COLUMN k0 TYPE bigint, ALTER COLUMN c0 TYPE bigint, ADD COLUMN note text DEFAULT 'x'";
        Result result;
        try (OracleWriters writers = new OracleWriters(db, shape, "accounts", "accounts_mirror", 20_001)
                .start(3, 9, 0)) {
            Thread.sleep(200);
            MigrationListener noTrigger = new MigrationListener() {
                @Override
                public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                    assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'accounts'::regclass"
                            + " AND NOT tgisinternal"), "logical capture puts no trigger on the source");
                }
            };
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("accounts").alter(alter)
                    .options(logical()).listener(noTrigger).build().run();
            Thread.sleep(300);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertTrue(result.changesReplayed() > 0, "the stream carried the writers keys: " + result.changesReplayed());
        Oracle.blockingAlter(db, "accounts_mirror", alter);
        Oracle.assertSameRows(db, "accounts", "accounts_mirror");
        Oracle.assertSameShape(db, "accounts", "accounts_mirror");
        assertNothingLeft(db);
        assertEquals("logical", db.scalar("SELECT capture FROM doppel.migrations WHERE id = " + result.migrationId()));
    }

    @Test
    void toastedValuesKeyUpdatesAndTruncate(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE docs (id int PRIMARY KEY, body text, n int)",
                "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL",
                "INSERT INTO docs SELECT g, repeat(md5(g::text), 300), g FROM generate_series(1, 3000) g");
        db.execute("CREATE TABLE docs_mirror (LIKE docs INCLUDING ALL)", "INSERT INTO docs_mirror SELECT * FROM docs");
        String alter = "ALTER COLUMN n TYPE bigint, ADD COLUMN extra int DEFAULT 1";
        CompletableFuture<Void> writes = new CompletableFuture<>();
        MigrationListener duringCopy = new MigrationListener() {
            private boolean done;

            @Override
            public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                if (done) {
                    return;
                }
                done = true;
                for (String t : List.of("docs", "docs_mirror")) {
                    // Updates that leave the TOASTed body alone: the stream sends it as 'u', unchanged. One
                    // transaction of 3,000 rows: the relay logs it in batches as it streams.
                    db.execute("UPDATE " + t + " SET n = n + 1000",
                            // Key changes: the stream sends the old key and the new one.
                            "UPDATE " + t + " SET id = id + 100000 WHERE id % 11 = 0",
                            "UPDATE " + t + " SET body = 'short ' || id WHERE id % 13 = 0",
                            "DELETE FROM " + t + " WHERE id % 17 = 0",
                            "INSERT INTO " + t + " VALUES (200001, repeat('z', 9000), 1)");
                }
                writes.complete(null);
            }
        };
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("docs").alter(alter)
                .options(logical().withChunk(Duration.ofMillis(20), 100, 200)).listener(duringCopy).build().run();
        assertTrue(writes.isDone());
        Oracle.blockingAlter(db, "docs_mirror", alter);
        Oracle.assertSameRows(db, "docs", "docs_mirror");

        db.execute("CREATE TABLE emptied (id int PRIMARY KEY, v int)",
                "INSERT INTO emptied SELECT g, g FROM generate_series(1, 2000) g");
        MigrationListener truncate = new MigrationListener() {
            private boolean done;

            @Override
            public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                if (!done) {
                    done = true;
                    db.execute("TRUNCATE emptied", "INSERT INTO emptied VALUES (7, 70), (8, 80)");
                }
            }
        };
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("emptied").alter("ALTER COLUMN v TYPE bigint")
                .options(logical().withChunk(Duration.ofMillis(20), 100, 200)).listener(truncate).build().run();
        assertEquals(List.of(List.of("7", "70"), List.of("8", "80")), db.rows("SELECT * FROM emptied ORDER BY id"));
        assertNothingLeft(db);
    }

    @Test
    void aTransactionOpenAcrossTheSlotsCreationIsCaptured(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE early (id int PRIMARY KEY, v int)",
                "INSERT INTO early SELECT g, g FROM generate_series(1, 2000) g");
        try (Connection open = db.connect(); Statement st = open.createStatement()) {
            open.setAutoCommit(false);
            st.executeUpdate("UPDATE early SET v = -1 WHERE id <= 10");
            st.executeUpdate("INSERT INTO early VALUES (5000, 5000)");
            CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> OnlineSchemaChange.builder()
                    .dataSource(db.dataSource()).table("early").alter("ALTER COLUMN v TYPE bigint")
                    .options(logical()).build().run());
            // The slot waits for this transaction; committed after the copy's snapshot could be, it must be seen.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (db.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'doppel control'"
                    + " AND query LIKE '%pg_create_logical_replication_slot%' AND state = 'active'") == 0) {
                assertTrue(System.nanoTime() < deadline, "the slot's creation did not start");
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertFalse(run.isDone(), "the slot waits for the open transaction");
            open.commit();
            assertEquals(Outcome.SUCCEEDED, run.get(60, TimeUnit.SECONDS).outcome());
        }
        assertEquals(11, db.count("SELECT count(*) FROM early WHERE v = -1 OR id = 5000"));
        assertEquals(2001, db.count("SELECT count(*) FROM early"));
        assertNothingLeft(db);
    }

    @Test
    void aFailedMigrationDropsItsSlot(TestDatabase db) {
        db.execute("CREATE TABLE bad (id int PRIMARY KEY, v text)",
                "INSERT INTO bad SELECT g, g::text FROM generate_series(1, 1000) g",
                "UPDATE bad SET v = 'not a number' WHERE id = 900");
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("bad").alter("ALTER COLUMN v TYPE int USING v::int")
                .options(logical()).build().run());
        assertEquals(Reason.COPY_FAILED, e.reason());
        assertNothingLeft(db);
    }

    @Test
    void refusedWithoutAReplicaIdentityHoldingTheKey(TestDatabase db) {
        db.execute("CREATE TABLE anon (id int NOT NULL, v int)", "CREATE UNIQUE INDEX anon_id ON anon (id)");
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("anon").alter("ALTER COLUMN v TYPE bigint")
                .options(logical()).build().plan());
        assertEquals(Reason.CAPTURE_UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().contains("REPLICA IDENTITY USING INDEX"), e.getMessage());
        db.execute("ALTER TABLE anon REPLICA IDENTITY USING INDEX anon_id");
        assertEquals(Outcome.SUCCEEDED, OnlineSchemaChange.builder().dataSource(db.dataSource()).table("anon")
                .alter("ALTER COLUMN v TYPE bigint").options(logical()).build().run().outcome());
        assertNothingLeft(db);
    }

    static void assertNothingLeft(TestDatabase db) {
        assertEquals(0, db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'doppel\\_%'"
                + " AND database = current_database()"), "no doppel slot is left");
        assertEquals(0, db.count("SELECT count(*) FROM pg_publication WHERE pubname LIKE 'doppel\\_%'"),
                "no doppel publication is left");
    }
}
