package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scheduled job keeps its change in an argument file and runs {@code doppel run @spec} until it is done: the
 * shaded jar, in its own JVM, as cron would start it.
 */
@Tag("jar")
@PostgresTest
class ScheduledJobJarTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void aPostponedRunIsCutOverByAnotherProcessAndTheSameSpecAgainIsAlreadyDone(TestDatabase db, @TempDir Path dir)
            throws Exception {
        Tables.orders(db, "job_orders", 3_000);
        long cents = db.count("SELECT sum(total * 100)::bigint FROM job_orders");
        Path spec = Jar.spec(dir, "job_orders.args", """
                # orders: totals in cents (ticket OPS-1234)
                --table public.job_orders
                --alter "ALTER COLUMN total TYPE bigint USING (total*100)::bigint, ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'"
                --postpone-cutover   # someone releases the swap with `doppel cutover ID`
                --keep-old 1h
                --json
                """);

        Jar.Running run = Jar.start(db, NO_ENV, "run", "@" + spec);
        await(() -> "CUTOVER".equals(phaseOf(db, "job_orders")), run);
        long id = Tables.migrationOf(db, "job_orders");
        assertEquals("numeric(12,2)", Tables.type(db, "job_orders", "total"), "ready, not swapped");

        Jar.Result cutover = Jar.run(db, NO_ENV, "cutover", String.valueOf(id), "--json");
        assertEquals(0, cutover.exitCode(), cutover::toString);
        JsonField.at(db, cutover.out().strip(), "{}");

        Jar.Result first = run.await(120);
        assertEquals(0, first.exitCode(), first::toString);
        String report = first.out().strip();
        assertEquals("started", JsonField.at(db, report, "{run}"), report);
        assertEquals("succeeded", JsonField.at(db, report, "{outcome}"));
        assertEquals(String.valueOf(id), JsonField.at(db, report, "{migration_id}"));
        assertEquals("bigint", Tables.type(db, "job_orders", "total"));

        Jar.Result again = Jar.run(db, NO_ENV, "run", "@" + spec);
        assertEquals(0, again.exitCode(), again::toString);
        String done = again.out().strip();
        assertEquals("already_done", JsonField.at(db, done, "{run}"), done);
        assertEquals("succeeded", JsonField.at(db, done, "{outcome}"));
        assertEquals(String.valueOf(id), JsonField.at(db, done, "{migration_id}"));
        assertEquals(cents, db.count("SELECT sum(total) FROM job_orders"), "the USING ran once");
        assertEquals(1, db.count("SELECT count(*) FROM doppel.migrations WHERE table_name = 'public.job_orders'"));

        Path textSpec = Jar.spec(dir, "job_orders_text.args", """
                --table job_orders
                --alter "ALTER TABLE job_orders ALTER COLUMN total TYPE bigint USING (total*100)::bigint, ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD';"
                """);
        Jar.Result text = Jar.run(db, NO_ENV, "run", "@" + textSpec);
        assertEquals(0, text.exitCode(), text::toString);
        assertTrue(text.out().startsWith("outcome        already done (migration " + id + " of public.job_orders)"),
                text::toString);
    }

    @Test
    void aKilledRunIsResumedByTheSameSpec(TestDatabase db, @TempDir Path dir) throws Exception {
        Tables.orders(db, "killed_orders", 30_000);
        Path spec = Jar.spec(dir, "killed_orders.args", """
                --table killed_orders
                --alter 'ALTER COLUMN total TYPE bigint USING (total*100)::bigint'
                # slow enough to be killed mid-copy
                --max-rows-per-second 5000 --chunk-time 100ms
                --json
                """);
        Jar.Running doomed = Jar.start(db, NO_ENV, "run", "@" + spec);
        await(() -> phaseOf(db, "killed_orders") != null && db.count("SELECT max(rows_copied) FROM"
                + " doppel.migrations WHERE table_name = 'public.killed_orders'") > 0, doomed);
        doomed.kill();
        long id = Tables.migrationOf(db, "killed_orders");
        // The killed process's backend ends when the server sees the socket closed; its advisory lock goes with it.
        await(() -> db.count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 6582128") == 0,
                null);
        assertEquals("COPY", phaseOf(db, "killed_orders"));

        Jar.Result rerun = Jar.run(db, NO_ENV, "run", "@" + spec);
        assertEquals(0, rerun.exitCode(), rerun::toString);
        String report = rerun.out().strip();
        assertEquals("resumed", JsonField.at(db, report, "{run}"), report);
        assertEquals(String.valueOf(id), JsonField.at(db, report, "{migration_id}"));
        assertTrue(rerun.err().contains("resuming migration " + id), rerun::toString);
        assertEquals("bigint", Tables.type(db, "killed_orders", "total"));
        assertEquals(30_000, db.count("SELECT count(*) FROM killed_orders"));
        assertEquals(db.count("SELECT sum(g) FROM generate_series(1, 30000) g"),
                db.count("SELECT sum(total) FROM killed_orders"), "every row once, in cents");
    }

    @Test
    void ctrlCStopsTheRunAtASafePointResumablyAndASecondOneAtOnce(TestDatabase db) throws Exception {
        Tables.orders(db, "interrupted_orders", 30_000);
        Jar.Running run = Jar.start(db, NO_ENV, "run", "--table", "interrupted_orders", "--alter", Tables.TO_CENTS,
                "--max-rows-per-second", "5000", "--chunk-time", "100ms");
        await(() -> phaseOf(db, "interrupted_orders") != null && db.count("SELECT max(rows_copied) FROM"
                + " doppel.migrations WHERE table_name = 'public.interrupted_orders'") > 0, run);
        run.signal("INT");
        Jar.Result stopped = run.await(60);
        assertEquals(Cli.exitFor("stopped"), stopped.exitCode(), stopped::toString);
        assertTrue(stopped.err().contains("stopping at the next safe point"), stopped::toString);
        assertTrue(stopped.err().contains("stopped by request while"), stopped::toString);
        long id = Tables.migrationOf(db, "interrupted_orders");
        assertEquals("COPY", phaseOf(db, "interrupted_orders"));
        assertEquals(null, db.scalar("SELECT outcome FROM doppel.migrations WHERE id = " + id), "resumable");

        Jar.Running resume = Jar.start(db, NO_ENV, "resume", Long.toString(id), "--max-rows-per-second", "5000");
        await(() -> resume.stderrSoFar().contains("copy"), resume);
        resume.signal("TERM");
        resume.signal("TERM");
        // Halted by the second signal, or stopped at a safe point before it arrived: either way nothing half done.
        Jar.Result halted = resume.await(60);
        assertTrue(halted.exitCode() == 128 + 15 || halted.exitCode() == Cli.exitFor("stopped"), halted::toString);
        await(() -> db.count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 6582128") == 0,
                null);

        Jar.Result finished = Jar.run(db, NO_ENV, "resume", Long.toString(id));
        assertEquals(0, finished.exitCode(), finished::toString);
        assertEquals("bigint", Tables.type(db, "interrupted_orders", "total"));
        assertEquals(db.count("SELECT sum(g) FROM generate_series(1, 30000) g"),
                db.count("SELECT sum(total) FROM interrupted_orders"), "every row once, in cents");
    }

    @Test
    void logFormatJsonWritesOneJsonObjectPerStderrLineAndLeavesTheReportAlone(TestDatabase db) {
        Tables.orders(db, "logged_orders", 500);
        Jar.Result run = Jar.run(db, Map.of("DOPPEL_LOG_LEVEL", "INFO"), "run", "--log-format", "json", "--table",
                "logged_orders", "--alter", Tables.TO_CENTS, "--json");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("started", JsonField.at(db, run.out().strip(), "{run}"), run::toString);
        assertEquals(1, run.out().strip().lines().count(), "stdout is the report alone");
        int engine = 0;
        int progress = 0;
        for (String line : run.err().strip().lines().toList()) {
            String level = JsonField.at(db, line, "{level}");
            assertTrue(level.equals("INFO") || level.equals("WARN"), line);
            String logger = JsonField.at(db, line, "{loggerName}");
            engine += logger.startsWith("dev.doppel.engine") ? 1 : 0;
            progress += logger.equals("doppel") && JsonField.at(db, line, "{message}").contains("cutover") ? 1 : 0;
        }
        assertTrue(engine > 0 && progress > 0, run::toString);

        Jar.Result refused = Jar.run(db, NO_ENV, "plan", "--table", "no_such_table", "--alter", Tables.TO_CENTS,
                "--log-format", "json");
        assertEquals(Cli.exitFor("table_not_found"), refused.exitCode(), refused::toString);
        String error = refused.err().strip();
        assertEquals("ERROR", JsonField.at(db, error, "{level}"), error);
        assertTrue(JsonField.at(db, error, "{message}").contains("(table_not_found)"), error);
    }

    private static String phaseOf(TestDatabase db, String table) {
        if (db.scalar("SELECT to_regclass('doppel.migrations')") == null) {
            return null;
        }
        return db.scalar("SELECT phase FROM doppel.migrations WHERE table_name = 'public." + table + "'"
                + " ORDER BY id DESC LIMIT 1");
    }

    /** Polls until the condition holds; fails with the process's output if it exits first or a minute passes. */
    private static void await(BooleanSupplier condition, Jar.Running process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (process != null && !process.process().isAlive()) {
                throw new AssertionError("doppel exited before the condition held:\n" + process.await(1));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the condition did not hold within a minute");
            }
            Thread.sleep(100);
        }
    }
}
