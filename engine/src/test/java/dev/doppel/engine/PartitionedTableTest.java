package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.PartitionedMirror;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A partitioned table's tree changing under a migration, and what doppel refuses for partitioned tables. */
@PostgresTest
class PartitionedTableTest {

    @Test
    void aPartitionAttachedDuringTheMigrationStopsTheCutoverAndNothingIsLost(TestDatabase db) {
        PartitionedMirror.create(db, "att", "att_mirror", 2_000, 7);
        db.execute("CREATE TABLE att.events_late (LIKE att.events)",
                "INSERT INTO att.events_late SELECT g, g, 'late' FROM generate_series(100000, 100009) g");
        MigrationListener attach = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.CUTOVER) {
                    db.execute("ALTER TABLE att.events ATTACH PARTITION att.events_late"
                            + " FOR VALUES FROM (100000) TO (200000)");
                }
            }
        };
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("att.events").alter("ADD COLUMN note text DEFAULT 'x',"
                        + " ALTER COLUMN c0 TYPE bigint").options(Options.defaults()
                        .withSnapshotWait(Duration.ofSeconds(1))).listener(attach).build().run());
        assertEquals(Reason.SOURCE_CHANGED, e.reason());
        assertTrue(e.getMessage().contains("att.events_late") && e.getMessage().contains("attached"),
                e.getMessage());
        assertEquals(2_010, db.count("SELECT count(*) FROM att.events"));
        assertEquals("integer", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'att.events'::regclass AND attname = 'c0'"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'doppel'::regnamespace"
                + " AND (relname LIKE 'events%' OR relname LIKE 'shadow%' OR relname LIKE 'log%')"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'doppel%'"));
    }

    /** A partition truncated by its own name fires its own TRUNCATE trigger, not the root's: both must be captured. */
    @Test
    void aPartitionTruncatedByNameDuringTheMigrationIsEmptyAfterIt(TestDatabase db) {
        PartitionedMirror.create(db, "trunc", "trunc_mirror", 2_000, 11);
        MigrationListener truncate = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.INDEX) {
                    db.execute("TRUNCATE trunc.events_b0");
                }
            }
        };
        String alter = "ALTER COLUMN c0 TYPE bigint";
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("trunc.events").alter(alter)
                .options(Options.defaults().withSnapshotWait(Duration.ofSeconds(1))).listener(truncate).build().run();
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        db.execute("TRUNCATE trunc_mirror.events_b0");
        Oracle.blockingAlter(db, "trunc_mirror.events", alter);
        PartitionedMirror.assertSameTree(db, "trunc", "trunc_mirror");
        assertEquals(0, db.count("SELECT count(*) FROM trunc.events_b0"));
    }

    @Test
    void twoMigrationsInARowThenCleanupDropsBothOldTrees(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "twice", "twice_mirror", 1_000, 10);
        for (String alter : new String[] {"ALTER COLUMN c0 TYPE bigint", "ADD COLUMN note text DEFAULT 'n',"
                + " ALTER COLUMN c1 TYPE varchar(20000)"}) {
            Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("twice.events").alter(alter)
                    .options(Options.defaults().withSnapshotWait(Duration.ofSeconds(1))).build().run();
            assertEquals(Outcome.SUCCEEDED, r.outcome());
            Oracle.blockingAlter(db, "twice_mirror.events", alter);
        }
        PartitionedMirror.assertSameTree(db, "twice", "twice_mirror");
        List<String> oldTrees = db.rows("SELECT old_table FROM doppel.migrations WHERE table_name = 'twice.events'")
                .stream().map(row -> row.get(0)).toList();
        assertEquals(2, oldTrees.size());
        for (String old : oldTrees) {
            assertEquals(6, db.count("SELECT count(*) FROM pg_partition_tree('" + old + "')"),
                    old + " is kept with its five partitions");
        }
        db.execute("UPDATE doppel.migrations SET drop_after = now() - interval '1 minute'");
        Migrations.on(db.dataSource()).cleanup();
        for (String old : oldTrees) {
            assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'doppel'::regnamespace"
                    + " AND relname LIKE '" + old.replace("doppel.", "").replace("\"", "") + "%'"), old + " is dropped");
        }
        PartitionedMirror.assertSameTree(db, "twice", "twice_mirror");
    }

    @Test
    void aPartitionInAnotherSchemaAndAnUnloggedOneKeepTheirPlaces(TestDatabase db) {
        db.execute("CREATE SCHEMA archive",
                "CREATE TABLE logs (id int NOT NULL, at date NOT NULL, msg text, PRIMARY KEY (id, at))"
                        + " PARTITION BY RANGE (at)",
                "CREATE TABLE archive.logs_2023 PARTITION OF logs FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')",
                "CREATE UNLOGGED TABLE logs_2024 PARTITION OF logs FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE TABLE logs_rest PARTITION OF logs DEFAULT",
                "CREATE INDEX logs_msg ON logs (msg)",
                "ALTER INDEX archive.logs_2023_msg_idx RENAME TO archived_msg",
                "INSERT INTO logs SELECT g, date '2023-01-01' + g % 800, 'm' || g FROM generate_series(1, 3000) g");
        String tree = "SELECT string_agg(c.oid::regclass::text || ' ' || c.relpersistence::text || ' '"
                + " || coalesce(pg_get_expr(c.relpartbound, c.oid), '-') || ' ' || (SELECT string_agg("
                + " x.indexrelid::regclass::text, ',' ORDER BY 1) FROM pg_index x WHERE x.indrelid = c.oid), '; '"
                + " ORDER BY 1) FROM pg_class c WHERE c.relname LIKE 'logs%' AND c.relkind IN ('r', 'p')"
                + " AND c.relnamespace::regnamespace::text IN ('public', 'archive')";
        String before = db.scalar(tree);
        long archived = db.count("SELECT count(*) FROM archive.logs_2023");
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("logs")
                .alter("ALTER COLUMN msg TYPE varchar(50)").options(Options.defaults()
                        .withSnapshotWait(Duration.ofSeconds(1))).build().run();
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        assertEquals(before, db.scalar(tree));
        assertTrue(before.contains("archive.logs_2023 p") && before.contains("archive.archived_msg")
                && before.contains("logs_2024 u"), before);
        assertEquals(3_000, db.count("SELECT count(*) FROM logs"));
        assertEquals(archived, db.count("SELECT count(*) FROM archive.logs_2023"));
    }

    @Test
    void indexesRenamedAtTwoLevelsOfTheTreeKeepTheirNamesAndPrivilegesTheirGrants(TestDatabase db) {
        db.execute("CREATE TABLE metrics (id int NOT NULL, region text NOT NULL, at date NOT NULL, v int,"
                        + " PRIMARY KEY (id, region, at)) PARTITION BY LIST (region)",
                "CREATE TABLE metrics_eu PARTITION OF metrics FOR VALUES IN ('eu') PARTITION BY RANGE (at)",
                "CREATE TABLE metrics_eu_2024 PARTITION OF metrics_eu FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE TABLE metrics_eu_2025 PARTITION OF metrics_eu FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE metrics_us PARTITION OF metrics FOR VALUES IN ('us')",
                "CREATE INDEX metrics_v ON metrics (v)",
                "ALTER INDEX metrics_eu_v_idx RENAME TO eu_values",
                "ALTER INDEX metrics_eu_2025_v_idx RENAME TO eu_values_2025",
                "GRANT SELECT ON metrics_eu_2024 TO PUBLIC",
                "COMMENT ON TABLE metrics_us IS 'the americas'",
                "INSERT INTO metrics SELECT g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END,"
                        + " date '2024-01-01' + g % 700, g FROM generate_series(1, 2000) g");
        String tree = "SELECT string_agg(c.relname || ' ' || coalesce(c.relacl::text, '-') || ' '"
                + " || coalesce(obj_description(c.oid, 'pg_class'), '-') || ' ' || (SELECT string_agg("
                + " i.relname || '<' || coalesce((SELECT p.relname FROM pg_inherits h JOIN pg_class p"
                + " ON p.oid = h.inhparent WHERE h.inhrelid = i.oid), '-'), ',' ORDER BY i.relname) FROM pg_index x"
                + " JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid), '; ' ORDER BY c.relname)"
                + " FROM pg_class c WHERE c.relname LIKE 'metrics%' AND c.relkind IN ('r', 'p')"
                + " AND c.relnamespace = 'public'::regnamespace";
        String before = db.scalar(tree);
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("metrics")
                .alter("ALTER COLUMN v TYPE bigint").options(Options.defaults()
                        .withSnapshotWait(Duration.ofSeconds(1))).build().run();
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        assertEquals(before, db.scalar(tree));
        assertTrue(before.contains("eu_values_2025<eu_values") && before.contains("eu_values<metrics_v")
                && before.contains("the americas") && before.contains("=r/"), before);
        assertEquals(2_000, db.count("SELECT count(*) FROM metrics"));
    }

    /** Unthrottled, each side in one scan; throttled, range by range of blocks, the same numbers in every leaf. */
    @ParameterizedTest(name = "max rows/s {0}")
    @ValueSource(longs = {0, 40_000})
    void aCorruptedPartitionCopyStopsTheMigrationAndNamesTheKeys(long maxRowsPerSecond, TestDatabase db) {
        String schema = "ver" + maxRowsPerSecond;
        PartitionedMirror.create(db, schema, schema + "_mirror", 3_000, 9);
        MigrationListener corrupt = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.VERIFY) {
                    db.execute("UPDATE doppel.events_b1 SET c1 = 'wrong' WHERE k0 = (SELECT min(k0) FROM"
                            + " doppel.events_b1)", "DELETE FROM doppel.events_rest", "DELETE FROM doppel.events_a"
                            + " WHERE k0 = 17");
                }
            }
        };
        db.execute("INSERT INTO " + schema + ".events VALUES (9000, 1, 'past the end')");
        String victim = db.scalar("SELECT min(k0) FROM " + schema + ".events_b1");
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table(schema + ".events").alter("ALTER COLUMN c0 TYPE bigint")
                .options(Options.defaults().withChunk(Duration.ofMillis(10), 100, 200)
                        .withMaxRowsPerSecond(maxRowsPerSecond)).listener(corrupt).build().run());
        assertEquals(Reason.VERIFY_MISMATCH, e.reason());
        for (String key : new String[] {"(" + victim + ") (values differ)", "(17) (missing from the shadow)",
                "(9000) (missing from the shadow)"}) {
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'doppel'::regnamespace"
                + " AND (relname LIKE 'events%' OR relname LIKE 'shadow%')"));
    }

    @Test
    void refusesWhatItDoesNotOfferForPartitionedTablesWithNothingCreated(TestDatabase db) {
        PartitionedMirror.create(db, "ref", "ref_mirror", 200, 8);
        DoppelException partition = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("ref.events_a").alter("ALTER COLUMN c0 TYPE bigint").build()
                .plan());
        assertEquals(Reason.UNSUPPORTED_DEPENDENTS, partition.reason());
        assertTrue(partition.getMessage().contains("run it on the partitioned table"), partition.getMessage());
        DoppelException midLevel = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("ref.events_b").repack("k0").build().plan());
        assertEquals(Reason.UNSUPPORTED_DEPENDENTS, midLevel.reason());
        assertTrue(midLevel.getMessage().contains("run it on each of its leaves"), midLevel.getMessage());
        DoppelException ordered = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("ref.events").repack("c0").build().plan());
        assertEquals(Reason.PARTITIONED_UNSUPPORTED, ordered.reason());
        assertTrue(ordered.getMessage().contains("--order-by"), ordered.getMessage());
        String windowed = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("ref.events")
                .alter("ALTER COLUMN c0 TYPE bigint").options(Options.defaults().withKeepOld(Duration.ofHours(1))
                        .withRevertWindow(Duration.ofHours(1))).build().plan().toText();
        assertTrue(windowed.contains("revert       possible for 1h after the swap"), windowed);
        db.execute("CREATE INDEX only_here ON ref.events_b0 (c1)");
        DoppelException own = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("ref.events").alter("ALTER COLUMN c0 TYPE bigint").build()
                .plan());
        assertEquals(Reason.UNSUPPORTED_DEPENDENTS, own.reason());
        assertTrue(own.getMessage().contains("index only_here belongs to partition"), own.getMessage());
        assertEquals(0, db.count("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'doppel' AND (relname LIKE 'events%' OR relname LIKE 'shadow%')"));
    }
}
