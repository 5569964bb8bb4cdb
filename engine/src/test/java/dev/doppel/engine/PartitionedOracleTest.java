package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.PartitionedMirror;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core promise for a partitioned table: under writers that insert into the default partition, move rows
 * between partitions by changing the partition key, update and delete, the tree doppel leaves equals the one a
 * blocking ALTER leaves, partition by partition, in rows and in catalog.
 */
@PostgresTest
@Tag("matrix")
class PartitionedOracleTest {

    /**
     * Two writers on one row, one of which moves it to another partition, fail the other with PostgreSQL's own
     * serialization error (in a blocking ALTER's world too: doppel never locks a row); the writers roll back both
     * sides, so the oracle still holds. Any other failure is doppel's.
     */
    static void assertOnlyPartitionMoveConflicts(OracleWriters writers) {
        assertTrue(writers.failures().stream().allMatch(f -> f.contains("moved to another partition due to concurrent"
                + " update")), "application writes failed: " + writers.failures());
        assertTrue(writers.committed() > 0, "the writers committed nothing; the test proved nothing");
    }

    @Test
    void aMultiLevelTreeWithADefaultPartitionUnderWritersEqualsTheBlockingAlter(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "online", "blocking", 6_000, 3);
        String alter = "ALTER COLUMN c0 TYPE bigint, ADD COLUMN note text DEFAULT 'x',"
                + " ALTER COLUMN c1 SET DEFAULT 'none'";
        Result result;
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "online.events", "blocking.events",
                6_001).start(3, 5, 0)) {
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("online.events").alter(alter)
                    .options(OnlineSchemaChangeEndToEndTest.busyTableOptions()).build().run();
            Thread.sleep(200);
            writers.close();
            assertOnlyPartitionMoveConflicts(writers);
        }
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertTrue(db.count("SELECT count(*) FROM online.events_rest") > 0,
                "the writers reached the default partition");
        Oracle.blockingAlter(db, "blocking.events", alter);
        PartitionedMirror.assertSameTree(db, "online", "blocking");
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                + " WHERE c.relnamespace = 'online'::regnamespace AND t.tgname LIKE 'doppel%'"));
        assertNull(db.scalar("SELECT string_agg(relname, ', ') FROM pg_class"
                + " WHERE relnamespace = 'doppel'::regnamespace AND relname LIKE 'events%'"), "no copy of a partition is left in doppel's schema");
    }
}
