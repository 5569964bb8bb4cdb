package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.PartitionedMirror;
import dev.doppel.engine.state.PartitionCopy;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partitioned table is copied leaf by leaf, in the leaves' order by name, each from the leaf itself up to the key
 * it had when its copy started; the progress names each leaf and the state records each one's copy.
 */
@PostgresTest
class PartitionCopyTest {

    private static final String CHANGE = "ALTER COLUMN c0 TYPE bigint, ADD COLUMN added int DEFAULT 5";

    /** {@link PartitionedMirror}'s tree plus a partition for keys no writer reaches: empty throughout. */
    static void createWithAnEmptyLeaf(TestDatabase db, String schema, String mirror, long rows, long seed) {
        PartitionedMirror.create(db, schema, mirror, rows, seed);
        for (String s : List.of(schema, mirror)) {
            db.execute("CREATE TABLE " + s + ".events_empty PARTITION OF " + s + ".events FOR VALUES FROM (1000000)"
                    + " TO (2000000)");
        }
    }

    @Test
    void aTreeWithADefaultASubPartitionedAndAnEmptyLeafIsCopiedLeafByLeafUnderWriters(TestDatabase db)
            throws Exception {
        createWithAnEmptyLeaf(db, "lv", "lv_mirror", 5_000, 31);
        List<String> leaves = new ArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MigrationListener progress = new MigrationListener() {
            @Override
            public void copyingPartition(String partition, int number, int count) {
                leaves.add(partition + " " + number + "/" + count);
            }
        };
        Result r;
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "lv.events", "lv_mirror.events",
                5_001).start(2, 31, 2)) {
            r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("lv.events").alter(CHANGE)
                    .options(Options.defaults().withChunk(Duration.ofMillis(10), 200, 500)
                            .withSnapshotWait(Duration.ofSeconds(1))).listener(progress).meterRegistry(registry)
                    .build().run();
            Thread.sleep(100);
            writers.close();
            PartitionedOracleTest.assertOnlyPartitionMoveConflicts(writers);
        }
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        assertEquals(List.of("lv.events_a 1/5", "lv.events_b0 2/5", "lv.events_b1 3/5", "lv.events_empty 4/5",
                "lv.events_rest 5/5"), leaves, "the copy goes through the leaves by name, the sub-partitions'"
                + " included and the partitioned events_b itself not");
        assertEquals(5, registry.get("doppel.copy.partition").gauge().value());
        assertEquals(5, registry.get("doppel.copy.partitions").gauge().value());
        List<PartitionCopy> copies = Migrations.on(db.dataSource()).status(r.migrationId()).partitions();
        assertEquals(5, copies.size());
        assertTrue(copies.stream().allMatch(p -> p.state() == PartitionCopy.State.COPIED), copies.toString());
        PartitionCopy empty = copies.get(3);
        assertEquals("lv.events_empty", empty.partition());
        assertEquals(0, empty.rowsCopied());
        assertNull(empty.endKey(), "an empty leaf has no end key and is done at once");
        assertTrue(copies.get(0).rowsCopied() > 0 && copies.get(1).rowsCopied() > 0 && copies.get(2).rowsCopied() > 0,
                copies.toString());
        assertEquals(r.rowsCopied(), copies.stream().mapToLong(PartitionCopy::rowsCopied).sum(),
                "the leaves' rows add up to the migration's");
        assertEquals(r.rowsCopied(), db.count("SELECT rows_copied FROM doppel.migrations WHERE id = "
                + r.migrationId()));
        Oracle.blockingAlter(db, "lv_mirror.events", CHANGE);
        PartitionedMirror.assertSameTree(db, "lv", "lv_mirror");
    }

    /** A verification that finds the trees differ names the leaf each differing key is in. */
    @Test
    void aMismatchNamesTheLeafOfEachDifferingKey(TestDatabase db) {
        PartitionedMirror.create(db, "vp", "vp_mirror", 2_000, 33);
        MigrationListener corrupt = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.VERIFY) {
                    db.execute("UPDATE doppel.events_a SET c1 = 'corrupt' WHERE k0 = 42",
                            "DELETE FROM doppel.events_b1 WHERE k0 = (SELECT max(k0) FROM doppel.events_b1)");
                }
            }
        };
        String gone = db.scalar("SELECT max(k0)::text FROM vp.events_b1");
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("vp.events").alter(CHANGE).options(Options.defaults()
                        .withSnapshotWait(Duration.ofSeconds(1))).listener(corrupt).build().run());
        assertEquals(Reason.VERIFY_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("(42) (values differ) in partition vp.events_a"), e.getMessage());
        assertTrue(e.getMessage().contains("(" + gone + ") (missing from the shadow) in partition vp.events_b1"),
                e.getMessage());
    }

    /** A row of a later leaf that the change cannot take fails the copy, named by its key; the tree is untouched. */
    @Test
    void aRowThatFailsInALaterLeafIsNamed(TestDatabase db) {
        db.execute("CREATE TABLE amounts (id int NOT NULL, at date NOT NULL, amount numeric, PRIMARY KEY (id, at))"
                        + " PARTITION BY RANGE (at)",
                "CREATE TABLE amounts_2025 PARTITION OF amounts FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE amounts_2026 PARTITION OF amounts FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO amounts SELECT g, date '2025-01-01' + g % 700, g FROM generate_series(1, 5000) g",
                "UPDATE amounts SET amount = 1e30 WHERE id = 4100");
        String leaf = db.scalar("SELECT tableoid::regclass::text FROM amounts WHERE id = 4100");
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("amounts").alter("ALTER COLUMN amount TYPE bigint USING"
                        + " (amount * 100)::bigint").options(Options.defaults().withChunk(Duration.ofMillis(10), 200,
                        500)).build().run());
        assertEquals(Reason.COPY_FAILED, e.reason());
        assertEquals("amounts_2026", leaf);
        assertTrue(e.getMessage().contains("copying public.amounts into the new schema failed at key id=4100")
                && e.getMessage().contains("bigint out of range"), e.getMessage());
        assertEquals(5000, db.count("SELECT count(*) FROM amounts"));
        assertEquals("numeric", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'amounts'::regclass AND attname = 'amount'"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'doppel'::regnamespace"
                + " AND relname LIKE 'amounts%'"), "the tree's copy is removed");
    }

    /** Unpartitioned, each leaf is copied into the plain table that replaces the tree. */
    @Test
    void unpartitionedLeafByLeafEqualsThePlainTable(TestDatabase db) throws Exception {
        createWithAnEmptyLeaf(db, "un", "un_mirror", 3_000, 32);
        Result r;
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "un.events", "un_mirror.events",
                3_001).start(1, 32, 2)) {
            r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("un.events").unpartition()
                    .options(Options.defaults().withSnapshotWait(Duration.ofSeconds(1))).build().run();
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        assertEquals(5, Migrations.on(db.dataSource()).status(r.migrationId()).partitions().size());
        assertEquals("r", db.scalar("SELECT relkind::text FROM pg_class WHERE oid = 'un.events'::regclass"));
        Oracle.assertSameRows(db, "un.events", "un_mirror.events");
    }
}
