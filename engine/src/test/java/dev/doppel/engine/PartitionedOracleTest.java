package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.PartitionedMirror;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

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
public class PartitionedOracleTest {

    /**
     * Two writers on one row, one of which moves it to another partition, fail the other with PostgreSQL's own
     * serialization error (in a blocking ALTER's world too: doppel never locks a row); the writers roll back both
     * sides, so the oracle still holds. Any other failure is doppel's.
     */
    public static void assertOnlyPartitionMoveConflicts(OracleWriters writers) {
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

    /**
     * Logical capture of a tree: the publication goes through the root, so a partition's changes come as the
     * table's rows, but a partition truncated by its own name is not sent: its TRUNCATE trigger logs it.
     */
    @Test
    void logicalCaptureOfATreeFollowsWritersAndAPartitionTruncatedByItsOwnName(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "lsrc", "lmirror", 6_000, 7);
        String alter = "ALTER COLUMN c0 TYPE bigint, ADD COLUMN note text DEFAULT 'x'";
        Result result;
        AtomicBoolean truncated = new AtomicBoolean();
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "lsrc.events", "lmirror.events",
                6_001).start(3, 11, 0)) {
            MigrationListener truncateOnePartition = new MigrationListener() {

                @Override
                public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                    // Once the partition's rows are in the copy: keys from 3,000 up, hashed to it.
                    if (rows < 5_000 || !truncated.compareAndSet(false, true)) {
                        return;
                    }
                    assertEquals(0, db.count("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                            + " WHERE c.relnamespace = 'lsrc'::regnamespace AND t.tgname LIKE 'doppel%'"
                            + " AND t.tgtype & 32 = 0"), "no row trigger on the tree with logical capture");
                    // Both trees in one statement: the writers see them truncated together.
                    db.execute("TRUNCATE lsrc.events_b0, lmirror.events_b0");
                }
            };
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("lsrc.events").alter(alter)
                    .options(LogicalCaptureTest.logical().withChunk(Duration.ofMillis(20), 200, 400))
                    .listener(truncateOnePartition).build().run();
            Thread.sleep(200);
            writers.close();
            assertOnlyPartitionMoveConflicts(writers);
        }
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertTrue(truncated.get(), "the partition was truncated during the copy");
        assertTrue(result.changesReplayed() > 0, "the stream carried the writers' keys");
        Oracle.blockingAlter(db, "lmirror.events", alter);
        PartitionedMirror.assertSameTree(db, "lsrc", "lmirror");
        LogicalCaptureTest.assertNothingLeft(db);
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                + " WHERE c.relnamespace = 'lsrc'::regnamespace AND t.tgname LIKE 'doppel%'"));
    }
}
