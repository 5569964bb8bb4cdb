package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.TableShape;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Revert after the swap: the old table back in place with every write since, or a refusal that changes nothing. */
@PostgresTest
@Tag("matrix")
class RevertTest {

    /** A change with a revert window as long as the old table is kept, unless it is dropped at once. */
    private static OnlineSchemaChange change(TestDatabase db, String table, String alter, Options options) {
        Options windowed = options.revertWindow().isZero() && !options.keepOld().isZero()
                ? options.withRevertWindow(options.keepOld()) : options;
        return OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(alter).options(windowed)
                .build();
    }

    @Test
    void aDefaultRunLeavesNothingOfDoppelsOnTheTableAndKeepsTheOldOneAsASnapshot(TestDatabase db) {
        db.execute("CREATE TABLE plain_run (id int PRIMARY KEY, v int)",
                "INSERT INTO plain_run SELECT g, g FROM generate_series(1, 300) g");
        long oid = db.count("SELECT 'plain_run'::regclass::oid");
        OnlineSchemaChange plain = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("plain_run")
                .alter("ALTER COLUMN v TYPE bigint").build();
        String plan = plain.plan().toText();
        assertTrue(plan.contains("revert       not possible: no revert window was asked for"), plan);
        Result result = plain.run();
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'plain_run'::regclass"
                + " AND NOT tgisinternal"), "a trigger of doppel's stayed on the table");
        assertNull(db.scalar("SELECT to_regclass('doppel.revert_log_" + oid + "')::text"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_proc WHERE proname = 'revert_capture_" + oid + "'"));
        assertEquals(300, db.count("SELECT count(*) FROM " + result.oldTable()), "the old table is kept as it was");
        DoppelException e = assertThrows(DoppelException.class,
                () -> Migrations.on(db.dataSource()).revert(result.migrationId()));
        assertEquals(Reason.NOT_REVERTABLE, e.reason());

        String windowed = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("plain_run")
                .alter("ALTER COLUMN v TYPE numeric").options(Options.defaults().withRevertWindow(Duration.ofHours(6)))
                .build().plan().toText();
        assertTrue(windowed.contains("revert       possible for 6h after the swap (--revert-window): until then a"
                + " trigger on the new table adds one insert"), windowed);
    }

    @Test
    void aRevertWindowIsRefusedWithLogicalCaptureSayingWhy(TestDatabase db) {
        db.execute("CREATE TABLE streamed (id int PRIMARY KEY, v int)");
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("streamed").alter("ALTER COLUMN v TYPE bigint")
                .options(Options.defaults().withCapture(Options.Capture.LOGICAL).withRevertWindow(Duration.ofHours(1)))
                .build().plan());
        assertEquals(Reason.REVERT_WINDOW_LOGICAL, e.reason());
        assertTrue(e.getMessage().contains("--capture logical is chosen to keep off the write path"), e.getMessage());
    }

    @Test
    void sameNamedIdentityTablesInTwoSchemasMigrateAndRevertWithTheirSequencesNamedAsBefore(TestDatabase db) {
        for (String schema : List.of("tenant_a", "tenant_b")) {
            db.execute("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".accounts (id int GENERATED ALWAYS AS"
                    + " IDENTITY PRIMARY KEY, name text)", "INSERT INTO " + schema + ".accounts (name)"
                    + " SELECT 'n' || g FROM generate_series(1, 20) g");
        }
        Result a = change(db, "tenant_a.accounts", "ALTER COLUMN id TYPE bigint", Options.defaults()).run();
        change(db, "tenant_b.accounts", "ALTER COLUMN id TYPE bigint", Options.defaults()).run();
        Result back = Migrations.on(db.dataSource()).revert(a.migrationId());
        assertEquals(Outcome.REVERTED, back.outcome());
        for (String schema : List.of("tenant_a", "tenant_b")) {
            // Reverted, tenant_a's sequence is its own again; tenant_b's was widened with its key.
            assertEquals(schema + ".accounts_id_seq " + (schema.equals("tenant_a") ? "integer 2147483647"
                    : "bigint 9223372036854775807") + " 20", db.scalar("SELECT pg_get_serial_sequence('" + schema
                    + ".accounts', 'id') || ' ' || data_type || ' ' || max_value || ' ' || last_value"
                    + " FROM pg_sequences WHERE schemaname = '" + schema + "'"));
            db.execute("INSERT INTO " + schema + ".accounts (name) VALUES ('x')");
        }
    }

    @Test
    void revertWhileWritersKeepWritingGivesBackTheOldTableRowForRow(TestDatabase db) throws Exception {
        TableShape shape = new TableShape(List.of(TableShape.KeyPart.INT),
                List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT, TableShape.ColumnKind.NUMERIC));
        Oracle.create(db, shape, "ledger", "ledger_mirror", 10_000, 3);
        long oid = db.count("SELECT 'ledger'::regclass::oid");
        String alter = "ALTER COLUMN k0 TYPE bigint, ALTER COLUMN c0 TYPE bigint,"
                + " ADD COLUMN created timestamptz DEFAULT '2020-01-01'";
        assertTrue(change(db, "ledger", alter, OnlineSchemaChangeEndToEndTest.busyTableOptions()).plan().toText()
                .contains("revert       possible"));
        Result reverted;
        try (OracleWriters writers = new OracleWriters(db, shape, "ledger", "ledger_mirror", 10_001).start(3, 11, 0)) {
            Thread.sleep(200);
            Result result = change(db, "ledger", alter, OnlineSchemaChangeEndToEndTest.busyTableOptions()).run();
            Thread.sleep(500);
            assertEquals("bigint", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                    + " WHERE attrelid = 'ledger'::regclass AND attname = 'c0'"));
            assertTrue(db.count("SELECT count(*) FROM doppel.revert_log_" + oid) > 0, "writes after the swap are logged");
            reverted = Migrations.on(db.dataSource()).options(OnlineSchemaChangeEndToEndTest.busyTableOptions())
                    .revert(result.migrationId());
            Thread.sleep(300);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        // The mirror was never altered: the reverted table has the old shape and every write made meanwhile.
        Oracle.assertSameRows(db, "ledger", "ledger_mirror");
        Oracle.assertSameShape(db, "ledger", "ledger_mirror");
        assertEquals(Outcome.REVERTED, reverted.outcome());
        assertEquals(oid, db.count("SELECT 'ledger'::regclass::oid"), "the old table itself is back");
        assertEquals(1, db.count("SELECT count(*) FROM pg_indexes WHERE tablename = 'ledger' AND indexname = 'ledger_pkey'"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'ledger'::regclass AND NOT tgisinternal"));
        assertNull(db.scalar("SELECT to_regclass('doppel.revert_log_" + oid + "')::text"));
        MigrationRecord r = Migrations.on(db.dataSource()).get(reverted.migrationId());
        assertEquals(Outcome.REVERTED, r.outcome());
        assertEquals(Phase.REVERTED, r.phase());
        assertNotNull(db.scalar("SELECT to_regclass('" + r.oldTable() + "')::text"), "the new table is kept");
        assertTrue(reverted.locks().get(0).millis() < 2_000, "lock held: " + reverted.locks());
    }

    @Test
    void aValueTheOldTypeCannotHoldRefusesTheRevertNamingItsKeyAndChangesNothing(TestDatabase db) {
        db.execute("CREATE TABLE meter (id int PRIMARY KEY, reading int NOT NULL, note varchar(8))",
                "INSERT INTO meter SELECT g, g, 'n' || g FROM generate_series(1, 500) g");
        Result result = change(db, "meter", "ALTER COLUMN reading TYPE bigint, ALTER COLUMN note TYPE text",
                Options.defaults()).run();
        db.execute("INSERT INTO meter VALUES (1000, 5000000000, 'big')",
                "UPDATE meter SET note = 'far too long' WHERE id = 7");
        Migrations migrations = Migrations.on(db.dataSource());
        DoppelException e = assertThrows(DoppelException.class, () -> migrations.revert(result.migrationId()));
        assertEquals(Reason.REVERT_LOSSY, e.reason());
        assertTrue(e.getMessage().contains("(1000)") || e.getMessage().contains("(7)"), e.getMessage());
        assertEquals("bigint", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'meter'::regclass AND attname = 'reading'"));
        assertEquals(Outcome.SUCCEEDED, migrations.get(result.migrationId()).outcome());

        db.execute("UPDATE meter SET reading = 1000 WHERE id = 1000");
        DoppelException still = assertThrows(DoppelException.class, () -> migrations.revert(result.migrationId()));
        assertTrue(still.getMessage().contains("(7)"), still.getMessage());
        db.execute("UPDATE meter SET note = 'short' WHERE id = 7");
        assertEquals(Outcome.REVERTED, migrations.revert(result.migrationId()).outcome());
        assertEquals("integer", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'meter'::regclass AND attname = 'reading'"));
        assertEquals(List.of(List.of("1000", "1000", "big"), List.of("7", "7", "short")),
                db.rows("SELECT id, reading, note FROM meter WHERE id IN (7, 1000) ORDER BY id DESC"));
        assertEquals(501, db.count("SELECT count(*) FROM meter"));
    }

    @Test
    void withoutAnInversePlanSaysSoAndRevertRefuses(TestDatabase db) {
        db.execute("CREATE TABLE price (id int PRIMARY KEY, amount numeric(12,2) NOT NULL)",
                "INSERT INTO price SELECT g, g * 1.25 FROM generate_series(1, 200) g");
        String alter = "ALTER COLUMN amount TYPE bigint USING (amount * 100)::bigint";
        String plan = change(db, "price", alter, Options.defaults()).plan().toText();
        assertTrue(plan.contains("revert       not possible: column amount is filled through USING"), plan);
        Result result = change(db, "price", alter, Options.defaults()).run();
        DoppelException e = assertThrows(DoppelException.class,
                () -> Migrations.on(db.dataSource()).revert(result.migrationId()));
        assertEquals(Reason.NOT_REVERTABLE, e.reason());
        assertTrue(e.getMessage().contains("snapshot"), e.getMessage());
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'price'::regclass AND NOT tgisinternal"));
    }

    @Test
    void aUserGivenInverseARenameAndADroppedColumnRevert(TestDatabase db) {
        db.execute("CREATE TABLE item (id int PRIMARY KEY, cents int NOT NULL, label text, legacy text DEFAULT 'old')",
                "CREATE INDEX item_label ON item (label)",
                "INSERT INTO item SELECT g, g * 100, 'l' || g, 'x' || g FROM generate_series(1, 300) g");
        String alter = "ALTER COLUMN cents TYPE numeric(14,2) USING cents / 100.0, RENAME COLUMN label TO title,"
                + " DROP COLUMN legacy";
        Options options = Options.defaults().withRevertUsing("cents = (cents * 100)::int");
        assertTrue(change(db, "item", alter, options).plan().toText().contains("revert       possible"));
        Result result = change(db, "item", alter, options).run();
        db.execute("INSERT INTO item VALUES (1000, 12.34, 'new')", "UPDATE item SET title = 'changed' WHERE id = 5",
                "DELETE FROM item WHERE id = 6");
        assertEquals(Outcome.REVERTED, Migrations.on(db.dataSource()).revert(result.migrationId()).outcome());
        assertEquals(List.of(List.of("5", "500", "changed", "x5"), List.of("1000", "1234", "new", "old")),
                db.rows("SELECT id, cents, label, legacy FROM item WHERE id IN (5, 6, 1000) ORDER BY id"));
        assertEquals(1, db.count("SELECT count(*) FROM pg_indexes WHERE tablename = 'item' AND indexname = 'item_label'"));
    }

    @Test
    void cleanupDropsTheRetainedTableInStepsAndEndsTheRevertCapture(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE note (id int PRIMARY KEY, body text)", "CREATE INDEX note_body ON note (body)",
                "INSERT INTO note SELECT g, 'b' || g FROM generate_series(1, 300) g");
        long oid = db.count("SELECT 'note'::regclass::oid");
        Result result = change(db, "note", "ALTER COLUMN id TYPE bigint",
                Options.defaults().withKeepOld(Duration.ofMillis(1))).run();
        Thread.sleep(20);
        List<String> report = Migrations.on(db.dataSource()).cleanup();
        assertTrue(report.stream().anyMatch(line -> line.startsWith("dropped " + result.oldTable())), report.toString());
        assertNull(db.scalar("SELECT to_regclass('" + result.oldTable() + "')::text"));
        assertNull(db.scalar("SELECT to_regclass('doppel.revert_log_" + oid + "')::text"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'note'::regclass AND NOT tgisinternal"));
        DoppelException e = assertThrows(DoppelException.class,
                () -> Migrations.on(db.dataSource()).revert(result.migrationId()));
        assertEquals(Reason.NOT_REVERTABLE, e.reason());
    }

    /** The reverted table has its old OID again, and with it the temporary names of its next migration's swap. */
    @Test
    void aTableRevertedIsMigratedAndRevertedAgain(TestDatabase db) {
        db.execute("CREATE TABLE again (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int, w int)",
                "CREATE INDEX again_v ON again (v)", "CREATE STATISTICS again_vw ON v, w FROM again",
                "INSERT INTO again (v, w) SELECT g, g FROM generate_series(1, 200) g");
        Result first = change(db, "again", "ALTER COLUMN v TYPE bigint", Options.defaults()).run();
        assertEquals(Outcome.REVERTED, Migrations.on(db.dataSource()).revert(first.migrationId()).outcome());
        Result second = change(db, "again", "ALTER COLUMN w TYPE bigint", Options.defaults()).run();
        assertEquals(Outcome.SUCCEEDED, second.outcome());
        assertEquals(Outcome.REVERTED, Migrations.on(db.dataSource()).revert(second.migrationId()).outcome());
        assertEquals("integer integer", db.scalar("SELECT string_agg(format_type(atttypid, atttypmod), ' '"
                + " ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'again'::regclass AND attname IN ('v', 'w')"));
        assertEquals(2, db.count("SELECT count(*) FROM pg_indexes WHERE tablename = 'again'"));
    }
}
