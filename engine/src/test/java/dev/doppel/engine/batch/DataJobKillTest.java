package dev.doppel.engine.batch;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.Reason;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.ChildProcess;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job's process killed with SIGKILL between batches goes on from its checkpoint: each row changed once. */
@PostgresTest
class DataJobKillTest {

    @Test
    void killedTwiceThenResumedByIdAndByRunningItAgain(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE tallies (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
                "INSERT INTO tallies (id) SELECT generate_series(1, 5000)");
        killAfter(db, 3);
        MigrationRecord stopped = Migrations.on(db.dataSource()).list().get(0);
        assertNull(stopped.outcome());
        long done = db.count("SELECT count(*) FROM tallies WHERE n = 1");
        assertEquals(done, stopped.rowsCopied(), "the checkpoint committed with its batch");
        assertTrue(done > 0 && done < 5000);
        assertEquals(0, db.count("SELECT count(*) FROM tallies WHERE n > 1"));

        killAfter(db, 2);
        MigrationRecord again = Migrations.on(db.dataSource()).list().get(0);
        assertEquals(stopped.id(), again.id(), "running the same job again went on with it");
        assertTrue(again.rowsCopied() > done);
        assertEquals(again.rowsCopied(), db.count("SELECT count(*) FROM tallies WHERE n = 1"));

        DoppelException asMigration = assertThrows(DoppelException.class,
                () -> Migrations.on(db.dataSource()).resume(stopped.id()));
        assertEquals(Reason.NOT_A_MIGRATION, asMigration.reason());
        assertTrue(asMigration.getMessage().contains("is a data job on public.tallies"), asMigration.getMessage());
        assertEquals(again.rowsCopied(), db.count("SELECT count(*) FROM tallies WHERE n = 1"), "nothing changed");

        JobResult resumed = DataJobs.on(db.dataSource()).options(DataJobTest.small()).resume(stopped.id());
        assertEquals(JobResult.How.RESUMED, resumed.how());
        assertEquals(5000, resumed.rowsChanged());
        assertEquals(5000, db.count("SELECT count(*) FROM tallies WHERE n = 1"));
        assertEquals(JobResult.How.ALREADY_DONE, DataJob.update("tallies").set("n = n + 1")
                .dataSource(db.dataSource()).build().run().how());
        assertEquals(5000, db.count("SELECT count(*) FROM tallies WHERE n = 1"));
    }

    private static void killAfter(TestDatabase db, int batches) throws Exception {
        ChildProcess child = ChildProcess.start(db, JobChild.class, "tallies", String.valueOf(batches));
        assertEquals("PAUSED", child.reached());
        child.kill();
    }
}
