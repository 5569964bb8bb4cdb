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
