package dev.doppel.engine.faults;

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
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A repack of one partition killed before its swap while writers write: `abort` leaves the tree exactly as it was
 * (the same relations, OIDs included, and catalog), `resume` finishes it with the tree equal to its mirror.
 */
@PostgresTest
class LeafRepackFaultTest {

    @Test
    void killedBeforeTheSwapThenAbortedLeavesTheTreeAsItWas(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "lab", "lab_mirror", 5_000, 31);
        String before = catalog(db, "lab");
        long oid = db.count("SELECT 'lab.events_a'::regclass::oid");
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "lab.events", "lab_mirror.events",
                5_001).start(1, 31, 2)) {
            FaultMatrixTest.killIn(db, "lab.events_a", Phase.VERIFY, Options.Capture.TRIGGER, "REPACK");
            Migrations.on(db.dataSource()).abort(FaultMatrixTest.latest(db).id());
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        assertEquals(Outcome.ABORTED, FaultMatrixTest.latest(db).outcome());
        assertEquals(before, catalog(db, "lab"), "the tree's relations and catalog are as before");
        PartitionedMirror.assertSameTree(db, "lab", "lab_mirror");
        assertNull(db.scalar("SELECT string_agg(relname, ', ') FROM pg_class WHERE relnamespace ="
                + " 'doppel'::regnamespace AND relname ~ '_" + oid + "(_|$)'"), "nothing of doppel's is left");
    }

    @Test
    void killedMidCopyThenResumed(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "lre", "lre_mirror", 5_000, 32);
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "lre.events", "lre_mirror.events",
                5_001).start(1, 32, 2)) {
            FaultMatrixTest.killIn(db, "lre.events_a", Phase.COPY, Options.Capture.TRIGGER, "REPACK");
            MigrationRecord stopped = FaultMatrixTest.latest(db);
            assertNull(stopped.outcome());
            Result r = Migrations.on(db.dataSource()).options(FaultMatrixTest.smallChunks()).resume(stopped.id());
            assertEquals(Outcome.SUCCEEDED, r.outcome());
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        PartitionedMirror.assertSameTree(db, "lre", "lre_mirror");
    }

    /** Every relation of the tree with its OID and catalog: abort must not have rebuilt or moved anything. */
    private static String catalog(TestDatabase db, String schema) {
        return db.rows("SELECT relname, oid::text FROM pg_class WHERE relnamespace = '" + schema + "'::regnamespace"
                + " AND relkind IN ('r', 'p') ORDER BY relname").stream().map(r -> r.get(0) + " " + r.get(1) + "\n"
                + CatalogFingerprint.of(db, schema, r.get(0))).collect(Collectors.joining("\n"));
    }
}
