package dev.doppel.engine.batch;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Update, delete and move jobs end to end; re-runs, abort, the plan, and bad input refused with nothing changed. */
@PostgresTest
class DataJobTest {

    static Options small() {
        return Options.defaults().withChunk(Duration.ofMillis(20), 100, 500);
    }

    @Test
    void updateChangesExactlyTheMatchingRowsAndARerunReportsDone(TestDatabase db) {
        db.execute("CREATE TABLE posts (id int PRIMARY KEY, title text NOT NULL, slug text)",
                "INSERT INTO posts SELECT g, 'Title ' || g, CASE WHEN g % 3 = 0 THEN 'kept' END"
                        + " FROM generate_series(1, 3000) g");
        DataJob job = DataJob.update("posts").set("slug = lower(title)").where("slug IS NULL")
                .dataSource(db.dataSource()).options(small()).build();
        JobResult r = job.run();
        assertEquals(JobResult.How.STARTED, r.how());
        assertEquals("succeeded", r.outcome());
        assertEquals(2000, r.rowsChanged());
        assertEquals(3000, r.rowsExamined());
        assertTrue(r.batches() > 5, "small batches: " + r.batches());
        assertEquals(0, db.count("SELECT count(*) FROM posts WHERE slug IS NULL"));
        assertEquals(1000, db.count("SELECT count(*) FROM posts WHERE slug = 'kept'"));
        assertEquals(2000, db.count("SELECT count(*) FROM posts WHERE slug = lower(title)"));

        JobResult again = job.run();
        assertEquals(JobResult.How.ALREADY_DONE, again.how());
        assertEquals(r.jobId(), again.jobId());
        assertEquals(2000, again.rowsChanged());

        MigrationRecord recorded = Migrations.on(db.dataSource()).get(r.jobId());
        assertEquals(Phase.DONE, recorded.phase());
        assertEquals("UPDATE SET slug = lower(title) WHERE slug IS NULL", recorded.change());
        assertTrue(DataJobs.isJob(recorded));
    }

    @Test
    void deleteWithACompositeKeyAndVacuumPacing(TestDatabase db) {
        db.execute("CREATE TABLE events (tenant int, seq int, at date NOT NULL, PRIMARY KEY (tenant, seq))",
                "INSERT INTO events SELECT t, s, date '2026-01-01' + (s % 100) FROM generate_series(1, 5) t,"
                        + " generate_series(1, 600) s");
        JobResult r = DataJob.delete("public.events").where("at < date '2026-01-01' + 30")
                .dataSource(db.dataSource()).options(small()).vacuumEvery(3).build().run();
        assertEquals(5 * 6 * 30, r.rowsChanged());
        assertTrue(r.vacuums() > 0);
        assertEquals(0, db.count("SELECT count(*) FROM events WHERE at < date '2026-01-01' + 30"));
        assertEquals(3000 - 900, db.count("SELECT count(*) FROM events"));
    }

    @Test
    void moveDeletesAndArchivesInTheSameBatch(TestDatabase db) {
        db.execute("CREATE SCHEMA IF NOT EXISTS archive",
                "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL,"
                        + " total numeric(10,2), doubled numeric GENERATED ALWAYS AS (total * 2) STORED)",
                "CREATE TABLE archive.orders (LIKE orders INCLUDING IDENTITY INCLUDING GENERATED,"
                        + " archived_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO orders (status, total) SELECT CASE WHEN g % 2 = 0 THEN 'closed' ELSE 'open' END,"
                        + " g / 100.0 FROM generate_series(1, 2000) g");
        String before = db.scalar("SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o"
                + " WHERE status = 'closed'");
        JobResult r = DataJob.move("orders", "archive.orders").where("status = 'closed'")
                .dataSource(db.dataSource()).options(small()).build().run();
        assertEquals(1000, r.rowsChanged());
        assertEquals(0, db.count("SELECT count(*) FROM orders WHERE status = 'closed'"));
        assertEquals(1000, db.count("SELECT count(*) FROM orders"));
        assertEquals(before, db.scalar("SELECT md5(string_agg((id, status, total, doubled)::text, ',' ORDER BY id))"
                + " FROM archive.orders"));
    }

    @Test
    void aStoppedJobResumesFromItsCheckpointAndAnAbortKeepsWhatWasDone(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
                "INSERT INTO counters (id) SELECT generate_series(1, 4000)");
        CountDownLatch some = new CountDownLatch(3);
        MigrationListener listener = new MigrationListener() {
            @Override
            public void chunk(long rows, long millis) {
                some.countDown();
            }
        };
        Options slow = small().withMaxRowsPerSecond(2_000);
        Thread[] worker = new Thread[1];
        CompletableFuture<JobResult> run = new CompletableFuture<>();
        worker[0] = new Thread(() -> {
            try {
                run.complete(DataJob.update("counters").set("n = n + 1").dataSource(db.dataSource()).options(slow)
                        .listener(listener).build().run());
            } catch (RuntimeException e) {
                run.completeExceptionally(e);
            }
        });
        worker[0].start();
        assertTrue(some.await(30, TimeUnit.SECONDS));
        worker[0].interrupt();
        ExecutionException stopped = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
        DoppelException e = assertInstanceOf(DoppelException.class, stopped.getCause());
        assertEquals("stopped", e.reason().code());
        long done = db.count("SELECT count(*) FROM counters WHERE n = 1");
        assertTrue(done > 0 && done < 4000, "stopped midway: " + done);
        assertEquals(0, db.count("SELECT count(*) FROM counters WHERE n > 1"));
        MigrationRecord r = Migrations.on(db.dataSource()).list().get(0);
        assertNull(r.outcome());
        assertEquals(done, r.rowsCopied());

        // The same job again goes on from the checkpoint: no row is counted twice.
        JobResult resumed = DataJob.update("counters").set("n = n + 1").dataSource(db.dataSource())
                .options(small()).build().run();
        assertEquals(JobResult.How.RESUMED, resumed.how());
        assertEquals(r.id(), resumed.jobId());
        assertEquals(4000, resumed.rowsChanged());
        assertEquals(done, resumed.rowsBefore());
        assertEquals(4000, db.count("SELECT count(*) FROM counters WHERE n = 1"));
        assertEquals(JobResult.How.ALREADY_DONE, DataJobs.on(db.dataSource()).resume(r.id()).how());

        // again(): a new job; stopped, then aborted: its rows stay changed.
        CountDownLatch first = new CountDownLatch(1);
        DataJob secondRun = DataJob.update("counters").set("n = n + 1").dataSource(db.dataSource())
                .options(slow).again(true).listener(new MigrationListener() {
                    @Override
                    public void chunk(long rows, long millis) {
                        first.countDown();
                        Thread.currentThread().interrupt();
                    }
                }).build();
        Thread t = new Thread(() -> assertEquals("stopped",
                assertThrows(DoppelException.class, secondRun::run).reason().code()));
        t.start();
        assertTrue(first.await(30, TimeUnit.SECONDS));
        t.join(30_000);
        MigrationRecord second = Migrations.on(db.dataSource()).list().get(0);
        JobResult aborted = DataJobs.on(db.dataSource()).abort(second.id());
        assertEquals("aborted", aborted.outcome());
        long twice = db.count("SELECT count(*) FROM counters WHERE n = 2");
        assertEquals(aborted.rowsChanged(), twice);
        assertTrue(twice > 0 && twice < 4000);
        DoppelException refused = assertThrows(DoppelException.class,
                () -> DataJobs.on(db.dataSource()).resume(second.id()));
        assertEquals("not_resumable", refused.reason().code());
    }

    @Test
    void aBatchFailingOnTheDataStopsWithTheBatchesBeforeItDone(TestDatabase db) {
        db.execute("CREATE TABLE ratios (id int PRIMARY KEY, d int NOT NULL, r int)",
                "INSERT INTO ratios SELECT g, CASE WHEN g = 3500 THEN 0 ELSE 1 END, NULL FROM generate_series(1, 4000) g");
        DataJob job = DataJob.update("ratios").set("r = 100 / d").where("r IS NULL").dataSource(db.dataSource())
                .options(small()).build();
        DoppelException e = assertThrows(DoppelException.class, job::run);
        assertEquals("batch_failed", e.reason().code(), e.getMessage());
        assertTrue(e.getMessage().contains("division by zero") && e.getMessage().contains("committed"),
                e.getMessage());
        long done = db.count("SELECT count(*) FROM ratios WHERE r = 100");
        assertTrue(done > 0 && done < 3500, "the batches before the failing one stay: " + done);
        assertNull(Migrations.on(db.dataSource()).list().get(0).outcome(), "resumable");

        db.execute("UPDATE ratios SET d = 2 WHERE id = 3500");
        JobResult fixed = job.run();
        assertEquals(JobResult.How.RESUMED, fixed.how());
        assertEquals(4000, fixed.rowsChanged());
        assertEquals(1, db.count("SELECT count(*) FROM ratios WHERE r = 50"));
        assertEquals(0, db.count("SELECT count(*) FROM ratios WHERE r IS NULL"));
    }

    @Test
    void planNamesTriggersCascadesIndexesAndCounts(TestDatabase db) {
        db.execute("CREATE TABLE customers (id int PRIMARY KEY, region text, created date NOT NULL)",
                "CREATE TABLE notes (id int PRIMARY KEY, customer int REFERENCES customers ON DELETE CASCADE)",
                "CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN OLD; END'",
                "CREATE TRIGGER customers_audit BEFORE DELETE ON customers FOR EACH ROW EXECUTE FUNCTION audit()",
                "INSERT INTO customers SELECT g, 'r' || (g % 4), date '2026-01-01' + g % 50"
                        + " FROM generate_series(1, 4000) g",
                "INSERT INTO notes SELECT g, g FROM generate_series(1, 100) g", "ANALYZE customers");
        JobPlan plan = DataJob.delete("customers").where("region = 'r1'").dataSource(db.dataSource())
                .options(small()).build().plan(true);
        assertEquals(1000L, plan.exactRows());
        assertTrue(plan.estimatedRows() > 0);
        assertEquals(4000, plan.tableRows());
        assertTrue(plan.sampleRows() > 0 && plan.sampleChanged() > 0, plan.toString());
        assertTrue(plan.expectedWalBytes() > 0, plan.toString());
        assertTrue(plan.batches() > 0);
        assertEquals(1, plan.triggers().size(), plan.triggers().toString());
        assertTrue(plan.triggers().get(0).contains("customers_audit"));
        assertEquals(1, plan.foreignKeys().size());
        assertTrue(plan.foreignKeys().get(0).contains("CASCADE"), plan.foreignKeys().toString());
        assertTrue(plan.predicateIndexes().isEmpty());
        assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("no index")), plan.warnings().toString());
        assertEquals(4000, db.count("SELECT count(*) FROM customers"), "the plan changes nothing");
        assertEquals(100, db.count("SELECT count(*) FROM notes"));

        db.execute("CREATE INDEX customers_region ON customers (region)");
        JobPlan indexed = DataJob.update("customers").set("created = created + 1").where("region = 'r1'")
                .dataSource(db.dataSource()).build().plan(false);
        assertNull(indexed.exactRows());
        assertEquals(List.of("customers_region"), indexed.predicateIndexes().stream()
                .map(i -> i.split(" ")[0]).toList());
        assertTrue(indexed.foreignKeys().isEmpty(), "an update of other columns fires no foreign key");
    }

    @Test
    void badInputIsRefusedAndChangesNothing(TestDatabase db) {
        db.execute("CREATE SCHEMA IF NOT EXISTS archive",
                "CREATE TABLE items (id int PRIMARY KEY, name text, qty int NOT NULL)",
                "CREATE TABLE nokey (a int, b text)",
                "CREATE TABLE archive.items_short (id int, name text)",
                "CREATE TABLE archive.items_types (id bigint, name text, qty int)",
                "INSERT INTO items SELECT g, 'n' || g, g % 5 FROM generate_series(1, 500) g",
                "INSERT INTO nokey VALUES (1, 'x')");
        String before = db.scalar("SELECT md5(string_agg(i::text, ',' ORDER BY id)) FROM items i");
        refused(db, "invalid_job", DataJob.update("items").set("name = upper(nam)"), "nam");
        refused(db, "invalid_job", DataJob.update("items").set("qty = 'many'"), "integer");
        refused(db, "invalid_job", DataJob.update("items").set("qty = qty +"), "syntax");
        refused(db, "invalid_job", DataJob.update("items").set("qty = 1").where("qty >"), "syntax");
        refused(db, "invalid_job", DataJob.update("items").set("qty = 1; DROP TABLE items"), ";");
        refused(db, "invalid_job", DataJob.update("items").set("qty = 1").where("true) OR (true"), "parenthesis");
        refused(db, "invalid_job", DataJob.update("items").set("qty = 1 FROM nokey"), "FROM");
        refused(db, "invalid_job", DataJob.update("items").set("id = id + 1000"), "key");
        refused(db, "invalid_job", DataJob.update("items"), "--set");
        refused(db, "invalid_job", DataJob.delete("items"), "--where");
        refused(db, "invalid_job", DataJob.delete("items").where("qty / 0 = 1"), "division by zero");
        refused(db, "no_usable_key", DataJob.delete("nokey").where("true"), "primary key");
        refused(db, "table_not_found", DataJob.delete("missing").where("true"), "missing");
        refused(db, "invalid_job", DataJob.move("items", "archive.nothere").where("true"), "does not exist");
        refused(db, "invalid_job", DataJob.move("items", "archive.items_short").where("true"), "qty");
        refused(db, "invalid_job", DataJob.move("items", "archive.items_types").where("true"), "bigint");
        refused(db, "invalid_job", DataJob.move("items", "items").where("true"), "itself");
        assertEquals(before, db.scalar("SELECT md5(string_agg(i::text, ',' ORDER BY id)) FROM items i"));
        assertEquals(1, db.count("SELECT count(*) FROM nokey"));
        assertEquals(0, db.count("SELECT count(*) FROM doppel.migrations WHERE outcome IS NULL"),
                "no job is left to resume");
    }

    private static void refused(TestDatabase db, String reason, DataJob.Builder job, String mentions) {
        DoppelException e = assertThrows(DoppelException.class,
                () -> job.dataSource(db.dataSource()).options(small()).build().run());
        assertEquals(reason, e.reason().code(), e.getMessage());
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
        assertTrue(e.isRefusal(), e.getMessage());
    }
}
