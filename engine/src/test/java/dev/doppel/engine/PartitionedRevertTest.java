package dev.doppel.engine;

import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.Partitioned;
import dev.doppel.engine.oracle.PartitionedMirror;
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

/**
 * The revert window of a partitioned table: the old tree back under writers, partition for partition (the same
 * relations, by OID, names and index names), with every write since the swap; a revert refused changes nothing;
 * cleanup after the window leaves nothing of doppel's.
 */
@PostgresTest
@Tag("matrix")
class PartitionedRevertTest {

    private static final String ALTER = "ALTER COLUMN c0 TYPE bigint, ADD COLUMN note text DEFAULT 'x'";

    private static Options windowed(Options options) {
        return options.withKeepOld(Duration.ofHours(1)).withRevertWindow(Duration.ofHours(1));
    }

    private static Result change(TestDatabase db, String table, Options options) {
        return OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(ALTER)
                .options(windowed(options)).build().run();
    }

    /** The tree's relations in {@code schema} as (name, OID), by name. */
    private static List<List<String>> relations(TestDatabase db, String schema) {
        return db.rows("SELECT relname, oid::text FROM pg_class WHERE relnamespace = '" + schema + "'::regnamespace"
                + " ORDER BY relname");
    }

    private static long doppelTriggers(TestDatabase db, String schema) {
        return db.count("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                + " WHERE c.relnamespace = '" + schema + "'::regnamespace AND t.tgname LIKE 'doppel%'");
    }

    @Test
    void revertOfATwoLevelTreeWithADefaultUnderWritersGivesBackTheOldTreeRowForRow(TestDatabase db)
            throws Exception {
        PartitionedMirror.create(db, "rsrc", "rmirror", 6_000, 3);
        List<List<String>> before = relations(db, "rsrc");
        Result reverted;
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "rsrc.events", "rmirror.events",
                6_001).start(3, 5, 0)) {
            Thread.sleep(200);
            Result result = change(db, "rsrc.events", OnlineSchemaChangeEndToEndTest.busyTableOptions());
            assertEquals(Outcome.SUCCEEDED, result.outcome());
            long leaves = db.count("SELECT count(*) FROM pg_partition_tree('rsrc.events') WHERE isleaf");
            // The row trigger is cloned to every partition, the TRUNCATE trigger put on each: 2 per relation.
            assertEquals(2 * (1 + db.count("SELECT count(*) FROM pg_partition_tree('rsrc.events') WHERE level > 0")),
                    doppelTriggers(db, "rsrc"), "the revert capture covers every partition of " + leaves + " leaves");
            Thread.sleep(500);
            reverted = Migrations.on(db.dataSource()).options(OnlineSchemaChangeEndToEndTest.busyTableOptions())
                    .revert(result.migrationId());
            Thread.sleep(300);
            writers.close();
            PartitionedOracleTest.assertOnlyPartitionMoveConflicts(writers);
        }
        assertEquals(Outcome.REVERTED, reverted.outcome());
        assertTrue(db.count("SELECT count(*) FROM rsrc.events_rest") > 0, "the writers reached the default partition");
        // The mirror was never altered: the old tree is back with every write made meanwhile.
        PartitionedMirror.assertSameTree(db, "rsrc", "rmirror");
        assertEquals(before, relations(db, "rsrc"), "the old tree's own relations are back under their names");
        assertEquals(0, doppelTriggers(db, "rsrc"));
        MigrationRecord r = Migrations.on(db.dataSource()).get(reverted.migrationId());
        assertNotNull(db.scalar("SELECT to_regclass('" + r.oldTable() + "')::text"), "the new tree is kept");
        assertEquals(4, db.count("SELECT count(*) FROM pg_partition_tree('" + r.oldTable() + "') WHERE isleaf"),
                "the new tree is kept with its partitions");
    }

    @Test
    void aPartitionAttachedAfterTheSwapRefusesTheRevertAndChangesNothing(TestDatabase db) {
        PartitionedMirror.create(db, "att", "att_mirror", 400, 4);
        Result result = change(db, "att.events", Options.defaults());
        db.execute("ALTER TABLE att.events DETACH PARTITION att.events_rest",
                "CREATE TABLE att.events_far PARTITION OF att.events FOR VALUES FROM (100000) TO (200000)",
                "ALTER TABLE att.events ATTACH PARTITION att.events_rest DEFAULT");
        List<List<String>> before = relations(db, "att");
        long triggers = doppelTriggers(db, "att");
        DoppelException e = assertThrows(DoppelException.class,
                () -> Migrations.on(db.dataSource()).revert(result.migrationId()));
        assertEquals(Reason.NOT_REVERTABLE, e.reason());
        assertTrue(e.getMessage().contains("attached or detached since the swap"), e.getMessage());
        assertEquals(before, relations(db, "att"));
        assertEquals(triggers, doppelTriggers(db, "att"), "the revert capture stays");
        assertEquals(Outcome.SUCCEEDED, Migrations.on(db.dataSource()).get(result.migrationId()).outcome());

        db.execute("DROP TABLE att.events_far");
        assertEquals(Outcome.REVERTED, Migrations.on(db.dataSource()).revert(result.migrationId()).outcome());
        PartitionedMirror.assertSameTree(db, "att", "att_mirror");
    }

    @Test
    void foreignKeysToAndFromATreeComeBackWithItAndCleanupLeavesNothing(TestDatabase db) throws Exception {
        for (String s : List.of("fk", "fk_mirror")) {
            db.execute("CREATE SCHEMA " + s,
                    "CREATE TABLE " + s + ".kinds (id int PRIMARY KEY)",
                    "INSERT INTO " + s + ".kinds SELECT generate_series(0, 9)",
                    "CREATE TABLE " + s + ".events (id int, day date, kind int REFERENCES " + s + ".kinds,"
                            + " v int, PRIMARY KEY (id, day)) PARTITION BY RANGE (day)",
                    "CREATE TABLE " + s + ".events_h1 PARTITION OF " + s + ".events FOR VALUES FROM ('2026-01-01')"
                            + " TO ('2026-07-01') PARTITION BY HASH (id)",
                    "CREATE TABLE " + s + ".events_h1a PARTITION OF " + s + ".events_h1"
                            + " FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
                    "CREATE TABLE " + s + ".events_h1b PARTITION OF " + s + ".events_h1"
                            + " FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
                    "CREATE TABLE " + s + ".events_other PARTITION OF " + s + ".events DEFAULT",
                    "CREATE INDEX events_v ON " + s + ".events (v)",
                    "CREATE TABLE " + s + ".notes (id int, day date, body text, FOREIGN KEY (id, day)"
                            + " REFERENCES " + s + ".events ON DELETE CASCADE)",
                    "INSERT INTO " + s + ".events SELECT g, date '2026-01-01' + g % 300, g % 10, g"
                            + " FROM generate_series(1, 500) g",
                    "INSERT INTO " + s + ".notes SELECT id, day, 'n' || id FROM " + s + ".events WHERE id % 5 = 0");
        }
        List<List<String>> before = relations(db, "fk");
        Result result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("fk.events")
                .alter("ALTER COLUMN v TYPE bigint").options(windowed(Options.defaults())).build().run();
        for (String s : List.of("fk", "fk_mirror")) {
            db.execute("INSERT INTO " + s + ".events VALUES (1000, '2026-02-01', 3, 7), (1001, '2027-01-01', 4, 8)",
                    "UPDATE " + s + ".events SET day = '2027-03-01' WHERE id = 11",
                    "DELETE FROM " + s + ".events WHERE id = 15",
                    "INSERT INTO " + s + ".notes VALUES (1001, '2027-01-01', 'late')");
        }
        Result back = Migrations.on(db.dataSource()).revert(result.migrationId());
        assertEquals(Outcome.REVERTED, back.outcome());
        assertTrue(back.warnings().isEmpty(), back.warnings().toString());
        PartitionedMirror.assertSameTree(db, "fk", "fk_mirror");
        assertEquals(before, relations(db, "fk"));
        IllegalStateException kinds = assertThrows(IllegalStateException.class, () -> db.execute(
                "INSERT INTO fk.events VALUES (2000, '2026-03-01', 99, 1)"));
        assertTrue(kinds.getMessage().contains("foreign key"), kinds.getMessage());

        long oid = db.count("SELECT 'fk.events'::regclass::oid");
        Result again = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("fk.events")
                .alter("ALTER COLUMN v TYPE bigint").options(Options.defaults().withKeepOld(Duration.ofMillis(1))
                        .withRevertWindow(Duration.ofMillis(1))).build().run();
        assertEquals(Outcome.SUCCEEDED, again.outcome());
        Thread.sleep(20);
        List<String> report = Migrations.on(db.dataSource()).cleanup();
        assertTrue(report.stream().anyMatch(line -> line.startsWith("dropped " + again.oldTable())), report.toString());
        assertEquals(0, doppelTriggers(db, "fk"));
        assertNull(db.scalar("SELECT to_regclass('doppel.revert_log_" + oid + "')::text"));
        String retired = again.oldTable().substring(again.oldTable().lastIndexOf('.') + 1).replace("\"", "");
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'doppel'::regnamespace"
                + " AND relname LIKE '" + retired + "%'"), "the retained tree is dropped with its partitions");
    }

    @Test
    void aSecondMigrationOfTheTreeEndsTheFirstWindowAndOpensItsOwn(TestDatabase db) {
        PartitionedMirror.create(db, "two", "two_mirror", 400, 6);
        Result first = change(db, "two.events", Options.defaults());
        db.execute("ALTER TABLE two_mirror.events ALTER COLUMN c0 TYPE bigint, ADD COLUMN note text DEFAULT 'x'");
        Result second = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("two.events")
                .alter("ALTER COLUMN c0 TYPE numeric").options(windowed(Options.defaults())).build().run();
        assertEquals(Outcome.SUCCEEDED, second.outcome());
        assertEquals(2 * (1 + db.count("SELECT count(*) FROM pg_partition_tree('two.events') WHERE level > 0")),
                doppelTriggers(db, "two"), "only the second migration's revert capture is on the tree");
        db.execute("INSERT INTO two.events (k0, c0, c1) VALUES (5000, 1, 'late')",
                "INSERT INTO two_mirror.events (k0, c0, c1) VALUES (5000, 1, 'late')");
        DoppelException e = assertThrows(DoppelException.class,
                () -> Migrations.on(db.dataSource()).revert(first.migrationId()));
        assertEquals(Reason.NOT_REVERTABLE, e.reason());
        assertEquals(Outcome.REVERTED, Migrations.on(db.dataSource()).revert(second.migrationId()).outcome());
        PartitionedMirror.assertSameTree(db, "two", "two_mirror");
        assertEquals(0, doppelTriggers(db, "two"));
    }

    @Test
    void aPlainTablePartitionedWithAWindowGoesBackToThePlainTableUnderWriters(TestDatabase db) throws Exception {
        Partitioned.createDated(db, "prt", 3_000);
        Partitioned.createDated(db, "prt_mirror", 3_000);
        long oid = db.count("SELECT 'prt.events'::regclass::oid");
        Result reverted;
        try (Partitioned.DatedWriters writers = new Partitioned.DatedWriters(db, "prt.events", "prt_mirror.events",
                3_001).start(3, 9)) {
            Thread.sleep(200);
            Result result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("prt.events")
                    .partitionBy("RANGE (day)", "monthly from 2026-01-01 to 2026-07-01; default")
                    .options(windowed(OnlineSchemaChangeEndToEndTest.busyTableOptions())).build().run();
            assertEquals(Outcome.SUCCEEDED, result.outcome());
            assertEquals("p", db.scalar("SELECT relkind::text FROM pg_class WHERE oid = 'prt.events'::regclass"));
            Thread.sleep(500);
            assertTrue(db.count("SELECT count(*) FROM prt.events_default") > 0, "the writers reached the default");
            reverted = Migrations.on(db.dataSource()).options(OnlineSchemaChangeEndToEndTest.busyTableOptions())
                    .revert(result.migrationId());
            Thread.sleep(300);
            writers.close();
            assertTrue(writers.failures().stream().allMatch(f -> f.contains("moved to another partition due to"
                    + " concurrent update")), "application writes failed: " + writers.failures());
            assertTrue(writers.committed() > 0, "the writers committed nothing");
        }
        assertEquals(Outcome.REVERTED, reverted.outcome());
        assertEquals(oid, db.count("SELECT 'prt.events'::regclass::oid"), "the plain table itself is back");
        Oracle.assertSameRows(db, "prt.events", "prt_mirror.events");
        assertEquals(CatalogFingerprint.of(db, "prt_mirror", "events"), CatalogFingerprint.of(db, "prt", "events"));
        assertEquals(db.rows("SELECT relname, relkind::text FROM pg_class WHERE relnamespace = 'prt_mirror'::regnamespace"
                + " ORDER BY relname"), db.rows("SELECT relname, relkind::text FROM pg_class"
                + " WHERE relnamespace = 'prt'::regnamespace ORDER BY relname"), "no partition is left in place");
        assertEquals(0, doppelTriggers(db, "prt"));
        MigrationRecord r = Migrations.on(db.dataSource()).get(reverted.migrationId());
        assertEquals(7, db.count("SELECT count(*) FROM pg_partition_tree('" + r.oldTable() + "') WHERE isleaf"),
                "the tree is kept, with its partitions, in doppel's schema");
    }

    @Test
    void aWindowIsRefusedWhenATreeIsUnpartitionedOrPartitionedAnew(TestDatabase db) {
        PartitionedMirror.create(db, "un", "un_mirror", 200, 2);
        Options options = windowed(Options.defaults());
        for (OnlineSchemaChange.Builder change : List.of(
                OnlineSchemaChange.builder().dataSource(db.dataSource()).table("un.events").unpartition(),
                OnlineSchemaChange.builder().dataSource(db.dataSource()).table("un.events")
                        .partitionBy("HASH (k0)", "4"))) {
            DoppelException e = assertThrows(DoppelException.class, () -> change.options(options).build().plan());
            assertEquals(Reason.PARTITIONED_UNSUPPORTED, e.reason());
            assertTrue(e.getMessage().contains("--revert-window"), e.getMessage());
        }
        PartitionedMirror.assertSameTree(db, "un", "un_mirror");
    }

    /**
     * The old partitions' index names are recorded at the swap: an index dropped from the live tree since (or by
     * the change) comes back with the old tree under its own names all the same.
     */
    @Test
    void anIndexDroppedFromTheTreeSinceTheSwapComesBackWithTheOldTree(TestDatabase db) {
        PartitionedMirror.create(db, "drop", "drop_mirror", 200, 5);
        db.execute("CREATE INDEX events_c1 ON drop.events (c1)", "CREATE INDEX events_c1 ON drop_mirror.events (c1)");
        Result result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("drop.events")
                .alter("ALTER COLUMN c0 TYPE bigint").options(windowed(Options.defaults())).build().run();
        db.execute("DROP INDEX drop.events_c1");
        assertEquals(Outcome.REVERTED, Migrations.on(db.dataSource()).revert(result.migrationId()).outcome());
        PartitionedMirror.assertSameTree(db, "drop", "drop_mirror");
    }
}
