package dev.doppel.engine.faults;

import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.Outcome;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Result;
import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.PartitionedMirror;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.PartitionCopy;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partitioned table's migration killed mid-copy while writers write: `resume` finishes it equal to the blocking
 * ALTER, partition by partition; `abort` leaves the tree exactly as it was, plus the writes made meanwhile.
 */
@PostgresTest
class PartitionedFaultTest {

    private static final String CHANGE = "ALTER COLUMN c0 TYPE bigint, ADD COLUMN added int DEFAULT 5";

    @Test
    void killedMidCopyThenResumed(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "res", "res_mirror", 5_000, 21);
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "res.events", "res_mirror.events",
                5_001).start(1, 21, 2)) {
            FaultMatrixTest.killIn(db, "res.events", Phase.COPY, Options.Capture.TRIGGER, CHANGE);
            MigrationRecord stopped = FaultMatrixTest.latest(db);
            assertNull(stopped.outcome());
            assertTrue(stopped.rowsCopied() > 0 && stopped.rowsCopied() < 5_000, stopped.rowsCopied() + " rows copied");
            Result r = Migrations.on(db.dataSource()).options(FaultMatrixTest.smallChunks()).resume(stopped.id());
            assertEquals(Outcome.SUCCEEDED, r.outcome());
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        Oracle.blockingAlter(db, "res_mirror.events", CHANGE);
        PartitionedMirror.assertSameTree(db, "res", "res_mirror");
    }

    /**
     * Killed after the first chunk of the second leaf: the resume skips the first leaf, goes on in the second after
     * its last key and copies the rest, and the tree ends equal to the blocking ALTER.
     */
    @Test
    void killedInTheMiddleOfALeafResumesInItAndSkipsTheLeavesDone(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "mid", "mid_mirror", 5_000, 23);
        for (String s : List.of("mid", "mid_mirror")) {
            db.execute("CREATE TABLE " + s + ".events_empty PARTITION OF " + s + ".events FOR VALUES FROM (1000000)"
                    + " TO (2000000)");
        }
        List<String> resumedIn = new ArrayList<>();
        MigrationListener progress = new MigrationListener() {
            @Override
            public void copyingPartition(String partition, int number, int count) {
                resumedIn.add(partition + " " + number + "/" + count);
            }
        };
        long id;
        PartitionCopy first;
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "mid.events", "mid_mirror.events",
                5_001).start(1, 23, 2)) {
            FaultMatrixTest.killIn(db, "mid.events", Phase.COPY, Options.Capture.TRIGGER, CHANGE, 2);
            id = FaultMatrixTest.latest(db).id();
            List<PartitionCopy> stopped = Migrations.on(db.dataSource()).status(id).partitions();
            assertEquals(List.of("mid.events_a copied", "mid.events_b0 copying", "mid.events_b1 waiting",
                    "mid.events_empty waiting", "mid.events_rest waiting"), stopped.stream()
                    .map(p -> p.partition() + " " + p.state().word()).toList());
            first = stopped.get(0);
            PartitionCopy inProgress = stopped.get(1);
            assertTrue(first.rowsCopied() > 0, first.toString());
            assertTrue(inProgress.checkpoint() != null && inProgress.rowsCopied() > 0
                    && inProgress.rowsCopied() < db.count("SELECT count(*) FROM mid.events_b0"), inProgress.toString());
            Result r = Migrations.on(db.dataSource()).options(FaultMatrixTest.smallChunks()).listener(progress)
                    .resume(id);
            assertEquals(Outcome.SUCCEEDED, r.outcome());
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        assertEquals(List.of("mid.events_b0 2/5", "mid.events_b1 3/5", "mid.events_empty 4/5", "mid.events_rest 5/5"),
                resumedIn, "the resumed copy skips the leaf it finished");
        List<PartitionCopy> done = Migrations.on(db.dataSource()).status(id).partitions();
        assertTrue(done.stream().allMatch(p -> p.state() == PartitionCopy.State.COPIED), done.toString());
        assertEquals(first.rowsCopied(), done.get(0).rowsCopied(), "the first leaf was not copied again");
        assertEquals(db.count("SELECT rows_copied FROM doppel.migrations WHERE id = " + id),
                done.stream().mapToLong(PartitionCopy::rowsCopied).sum());
        Oracle.blockingAlter(db, "mid_mirror.events", CHANGE);
        PartitionedMirror.assertSameTree(db, "mid", "mid_mirror");
    }

    /**
     * A copy an earlier doppel made through the root, in the tree's key order, stopped with its checkpoint in
     * {@code migrations} and no leaf recorded: the resume goes on through the root. Made here by stopping in the
     * first leaf, which holds the tree's smallest keys, and recording its checkpoint as the earlier doppel did.
     */
    @Test
    void aCopyAnEarlierDoppelStartedThroughTheRootGoesOnThroughTheRoot(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "old", "old_mirror", 5_000, 24);
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "old.events", "old_mirror.events",
                5_001).start(1, 24, 2)) {
            FaultMatrixTest.killIn(db, "old.events", Phase.COPY, Options.Capture.TRIGGER, CHANGE, 1);
            long id = FaultMatrixTest.latest(db).id();
            db.execute("UPDATE doppel.migrations SET checkpoint = p.checkpoint FROM doppel.migration_partitions p"
                    + " WHERE p.migration_id = " + id + " AND p.partition = 'old.events_a' AND id = " + id,
                    "DELETE FROM doppel.migration_partitions WHERE migration_id = " + id);
            assertTrue(FaultMatrixTest.latest(db).checkpoint() != null);
            List<String> leaves = new ArrayList<>();
            Result r = Migrations.on(db.dataSource()).options(FaultMatrixTest.smallChunks())
                    .listener(new MigrationListener() {
                        @Override
                        public void copyingPartition(String partition, int number, int count) {
                            leaves.add(partition);
                        }
                    }).resume(id);
            assertEquals(Outcome.SUCCEEDED, r.outcome());
            assertEquals(List.of(), leaves, "no leaf by leaf copy");
            assertEquals(List.of(), Migrations.on(db.dataSource()).status(id).partitions());
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        Oracle.blockingAlter(db, "old_mirror.events", CHANGE);
        PartitionedMirror.assertSameTree(db, "old", "old_mirror");
    }

    @Test
    void killedMidCopyThenAbortedLeavesTheTreeAsItWas(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "abo", "abo_mirror", 5_000, 22);
        String before = catalog(db, "abo");
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "abo.events", "abo_mirror.events",
                5_001).start(1, 22, 2)) {
            FaultMatrixTest.killIn(db, "abo.events", Phase.COPY, Options.Capture.TRIGGER, CHANGE);
            Migrations.on(db.dataSource()).abort(FaultMatrixTest.latest(db).id());
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        assertEquals(Outcome.ABORTED, FaultMatrixTest.latest(db).outcome());
        assertEquals(before, catalog(db, "abo"), "the tree's catalog is as before");
        PartitionedMirror.assertSameTree(db, "abo", "abo_mirror");
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'doppel'::regnamespace"
                + " AND (relname LIKE 'events%' OR relname LIKE 'shadow%' OR relname LIKE 'log%')"));
    }

    /** Every relation of the tree with its catalog, OIDs included: abort must not have rebuilt anything. */
    private static String catalog(TestDatabase db, String schema) {
        return db.rows("SELECT relname, oid::text FROM pg_class WHERE relnamespace = '" + schema + "'::regnamespace"
                + " AND relkind IN ('r', 'p') ORDER BY relname").stream().map(r -> r.get(0) + " " + r.get(1) + "\n"
                + CatalogFingerprint.of(db, schema, r.get(0))).collect(Collectors.joining("\n"));
    }
}
