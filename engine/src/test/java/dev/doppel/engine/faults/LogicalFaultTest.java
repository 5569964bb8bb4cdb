package dev.doppel.engine.faults;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Result;
import dev.doppel.engine.PartitionedOracleTest;
import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.PartitionedMirror;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static dev.doppel.engine.faults.FaultMatrixTest.CHANGE;
import static dev.doppel.engine.faults.FaultMatrixTest.SHAPE;
import static dev.doppel.engine.faults.FaultMatrixTest.killIn;
import static dev.doppel.engine.faults.FaultMatrixTest.latest;
import static dev.doppel.engine.faults.FaultMatrixTest.prepare;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logical capture killed with SIGKILL: the slot outlives the process and holds every change since the relay's last
 * confirmed batch, so `resume` goes on from it (its walsender, lingering, is ended first) and the result equals the
 * blocking-ALTER oracle; `abort` and `cleanup` leave no slot and no publication behind.
 */
@PostgresTest
@Tag("matrix")
class LogicalFaultTest {

    @ParameterizedTest(name = "killed in {0}, then resumed from the slot")
    @EnumSource(value = Phase.class, names = {"CAPTURE", "COPY", "VERIFY", "CUTOVER", "AFTER"})
    void killedThenResumed(Phase phase, TestDatabase db) throws Exception {
        String table = "lr_" + phase.name().toLowerCase();
        prepare(db, table);
        try (OracleWriters writers = new OracleWriters(db, SHAPE, table, "oracle." + table, 5_001).start(2, 21, 2)) {
            killIn(db, table, phase, Options.Capture.LOGICAL);
            MigrationRecord stopped = latest(db);
            assertNull(stopped.outcome());
            assertEquals("logical", stopped.capture());
            if (phase.compareTo(Phase.CAPTURE) > 0 && phase.compareTo(Phase.CUTOVER) <= 0) {
                assertEquals(1, db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                        + stopped.slot() + "'"), "the slot outlives the killed process");
            }
            // Writes go on while nobody relays: they wait in the slot.
            Thread.sleep(300);
            Result r = Migrations.on(db.dataSource()).options(FaultMatrixTest.smallChunks()).resume(stopped.id());
            assertEquals(Outcome.SUCCEEDED, r.outcome());
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        Oracle.blockingAlter(db, "oracle." + table, CHANGE);
        Oracle.assertSameRows(db, table, "oracle." + table);
        Oracle.assertSameShape(db, table, "oracle." + table);
        assertNothingLeft(db);
    }

    @Test
    void killedDuringTheCopyThenAborted(TestDatabase db) throws Exception {
        prepare(db, "la_copy");
        try (OracleWriters writers = new OracleWriters(db, SHAPE, "la_copy", "oracle.la_copy", 5_001).start(2, 22, 2)) {
            killIn(db, "la_copy", Phase.COPY, Options.Capture.LOGICAL);
            Migrations.on(db.dataSource()).abort(latest(db).id());
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        assertEquals(Outcome.ABORTED, latest(db).outcome());
        Oracle.assertSameRows(db, "la_copy", "oracle.la_copy");
        assertNothingLeft(db);
    }

    @Test
    void cleanupDropsTheSlotOfAMigrationThatDiedFailing(TestDatabase db) throws Exception {
        prepare(db, "lc_copy");
        killIn(db, "lc_copy", Phase.COPY, Options.Capture.LOGICAL);
        MigrationRecord killed = latest(db);
        // As if the process had recorded its failure and died before removing what it created.
        db.execute("UPDATE doppel.migrations SET outcome = 'failed' WHERE id = " + killed.id());
        List<String> report = Migrations.on(db.dataSource()).cleanup();
        assertTrue(report.stream().anyMatch(l -> l.startsWith("removed what failed migration " + killed.id())),
                report.toString());
        assertNothingLeft(db);
    }

    @Test
    void aTreeKilledDuringTheCopyIsResumedFromTheSlotAndAnotherAbortedLeavesNoTrigger(TestDatabase db)
            throws Exception {
        String change = "ALTER COLUMN c0 TYPE bigint";
        PartitionedMirror.create(db, "ltree", "ltree_mirror", 4_000, 23);
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "ltree.events",
                "ltree_mirror.events", 4_001).start(2, 23, 2)) {
            killIn(db, "ltree.events", Phase.COPY, Options.Capture.LOGICAL, change);
            MigrationRecord stopped = latest(db);
            assertTrue(db.count("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                    + " WHERE c.relnamespace = 'ltree'::regnamespace AND t.tgname LIKE 'doppel%'") > 1,
                    "each partition has its TRUNCATE trigger");
            Thread.sleep(300);
            Result r = Migrations.on(db.dataSource()).options(FaultMatrixTest.smallChunks()).resume(stopped.id());
            assertEquals(Outcome.SUCCEEDED, r.outcome());
            Thread.sleep(100);
            writers.close();
            PartitionedOracleTest.assertOnlyPartitionMoveConflicts(writers);
        }
        Oracle.blockingAlter(db, "ltree_mirror.events", change);
        PartitionedMirror.assertSameTree(db, "ltree", "ltree_mirror");
        assertNothingLeft(db);

        PartitionedMirror.create(db, "labort", "labort_mirror", 2_000, 24);
        String before = CatalogFingerprint.of(db, "labort", "events");
        killIn(db, "labort.events", Phase.COPY, Options.Capture.LOGICAL, change);
        Migrations.on(db.dataSource()).abort(latest(db).id());
        assertEquals(Outcome.ABORTED, latest(db).outcome());
        assertEquals(before, CatalogFingerprint.of(db, "labort", "events"), "the tree's catalog is as before");
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                + " WHERE c.relnamespace = 'labort'::regnamespace AND t.tgname LIKE 'doppel%'"), "no trigger is left");
        Oracle.assertSameRows(db, "labort.events", "labort_mirror.events");
        assertNothingLeft(db);
    }

    static void assertNothingLeft(TestDatabase db) {
        assertEquals(0, db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'doppel\\_%'"
                + " AND database = current_database()"), "no doppel slot is left");
        assertEquals(0, db.count("SELECT count(*) FROM pg_publication WHERE pubname LIKE 'doppel\\_%'"),
                "no doppel publication is left");
    }
}
