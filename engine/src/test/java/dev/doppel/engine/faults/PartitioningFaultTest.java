package dev.doppel.engine.faults;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.Outcome;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Result;
import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.Partitioned;
import dev.doppel.engine.oracle.PartitionedMirror;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.Partitioning;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partitioning killed mid-copy while writers write: `resume` reads the stored partitioning back and finishes
 * it equal to the table created partitioned; `abort` leaves the plain table exactly as it was (same OID and
 * catalog), plus the writes made meanwhile, and no new partition behind.
 */
@PostgresTest
class PartitioningFaultTest {

    private static final String CHANGE = AlterChange.partition(new Partitioning("RANGE (day)",
            "monthly from 2026-01-01 to 2026-07-01; default")).text();

    @Test
    void killedMidCopyThenResumed(TestDatabase db) throws Exception {
        Partitioned.createDated(db, "pres", 5_000);
        Partitioned.createDated(db, "pres_mirror", 5_000);
        try (Partitioned.DatedWriters writers = new Partitioned.DatedWriters(db, "pres.events", "pres_mirror.events",
                5_001).start(1, 31)) {
            FaultMatrixTest.killIn(db, "pres.events", Phase.COPY, Options.Capture.TRIGGER, CHANGE);
            MigrationRecord stopped = FaultMatrixTest.latest(db);
            assertNull(stopped.outcome());
            assertTrue(stopped.rowsCopied() > 0 && stopped.rowsCopied() < 5_000, stopped.rowsCopied() + " rows copied");
            Result r = Migrations.on(db.dataSource()).options(FaultMatrixTest.smallChunks()).resume(stopped.id());
            assertEquals(Outcome.SUCCEEDED, r.outcome());
            Thread.sleep(100);
            writers.close();
            assertTrue(writers.failures().isEmpty(), "application writes failed: " + writers.failures());
        }
        List<String> partitions = new ArrayList<>();
        for (int m = 1; m < 7; m++) {
            partitions.add(String.format("events_p2026%02d FOR VALUES FROM ('2026-%02d-01') TO ('2026-%02d-01')", m,
                    m, m + 1));
        }
        partitions.add("events_default DEFAULT");
        Partitioned.createExpected(db, "pres_expected", "events", Partitioned.DATED, "RANGE (day)", partitions,
                List.of("CREATE INDEX events_day_amount_idx ON %s (day, amount)"), "pres_mirror.events");
        PartitionedMirror.assertSameTree(db, "pres", "pres_expected");
    }

    @Test
    void killedMidCopyThenAbortedLeavesThePlainTableAsItWas(TestDatabase db) throws Exception {
        Partitioned.createDated(db, "pabo", 5_000);
        Partitioned.createDated(db, "pabo_mirror", 5_000);
        String before = db.scalar("SELECT oid::text FROM pg_class WHERE oid = 'pabo.events'::regclass") + "\n"
                + CatalogFingerprint.of(db, "pabo", "events");
        try (Partitioned.DatedWriters writers = new Partitioned.DatedWriters(db, "pabo.events", "pabo_mirror.events",
                5_001).start(1, 32)) {
            FaultMatrixTest.killIn(db, "pabo.events", Phase.COPY, Options.Capture.TRIGGER, CHANGE);
            Migrations.on(db.dataSource()).abort(FaultMatrixTest.latest(db).id());
            Thread.sleep(100);
            writers.close();
            assertTrue(writers.failures().isEmpty(), "application writes failed: " + writers.failures());
        }
        assertEquals(Outcome.ABORTED, FaultMatrixTest.latest(db).outcome());
        assertEquals(before, db.scalar("SELECT oid::text FROM pg_class WHERE oid = 'pabo.events'::regclass") + "\n"
                + CatalogFingerprint.of(db, "pabo", "events"), "the plain table's catalog is as before");
        Oracle.assertSameRows(db, "pabo.events", "pabo_mirror.events");
        assertNull(db.scalar("SELECT string_agg(relname, ', ') FROM pg_class WHERE relnamespace ="
                + " 'doppel'::regnamespace AND (relname LIKE 'events%' OR relname LIKE 'shadow%' OR relname LIKE"
                + " 'log%')"), "doppel's copies are gone");
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'pabo'::regnamespace"
                + " AND relname LIKE 'events\\_p2%'"), "no new partition in the table's schema");
    }
}
