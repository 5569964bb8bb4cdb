package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class OperatorCommandsTest {

    @Test
    void aPostponedCutoverWaitsForTheCutoverCommandWhilePauseAndThrottleAreAcknowledged(TestDatabase db)
            throws Exception {
        Tables.orders(db, "orders_held", 3_000);
        CompletableFuture<Cli> run = CompletableFuture.supplyAsync(() -> Cli.against(db, "run", "--table",
                "orders_held", "--alter", Tables.TO_CENTS, "--postpone-cutover", "--chunk-time", "20ms"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'doppel' AND tablename = 'migrations'") == 0
                || db.count("SELECT count(*) FROM doppel.migrations WHERE phase = 'CUTOVER'") == 0) {
            assertTrue(System.nanoTime() < deadline, "the run never reached the cut-over");
            Thread.sleep(50);
        }
        long id = Tables.migrationOf(db, "orders_held");
        Cli throttle = Cli.against(db, "throttle", Long.toString(id), "--max-rows-per-second", "5000");
        assertEquals(0, throttle.exitCode(), throttle::toString);
        Thread.sleep(1_200);
        Cli status = Cli.against(db, "status", Long.toString(id));
        assertTrue(status.out().contains("rate cap 5000 rows/s, cut-over postponed"), status::toString);
        assertTrue(status.out().contains("last read by doppel"), status::toString);
        assertTrue(status.out().contains("logged changes to re-sync"), status::toString);
        assertFalse(run.isDone());
        assertEquals("numeric(12,2)", Tables.type(db, "orders_held", "total"));
        Cli cutover = Cli.against(db, "cutover", Long.toString(id), "--json");
        assertEquals(0, cutover.exitCode(), cutover::toString);
        Cli finished = run.get(60, TimeUnit.SECONDS);
        assertEquals(0, finished.exitCode(), finished::toString);
        assertEquals("bigint", Tables.type(db, "orders_held", "total"));
        Cli late = Cli.against(db, "pause", Long.toString(id));
        assertEquals(Cli.exitFor("not_resumable"), late.exitCode(), late::toString);
    }

    @Test
    void statusShowsTheCopysProgressRateAndTimeLeft(TestDatabase db) throws Exception {
        Tables.orders(db, "orders_slow", 20_000);
        db.execute("ANALYZE orders_slow");
        CompletableFuture<Cli> run = CompletableFuture.supplyAsync(() -> Cli.against(db, "run", "--table",
                "orders_slow", "--alter", Tables.TO_CENTS, "--max-rows-per-second", "4000", "--chunk-time", "50ms"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String shown = "";
        while (!shown.contains("rows/s; about")) {
            assertTrue(System.nanoTime() < deadline, "status never showed the copy's progress: " + shown);
            Thread.sleep(100);
            if (db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'doppel' AND tablename = 'migrations'") > 0
                    && db.count("SELECT count(*) FROM doppel.migrations WHERE table_name = 'public.orders_slow'"
                    + " AND rows_copied > 0") > 0) {
                shown = Cli.against(db, "status", Long.toString(Tables.migrationOf(db, "orders_slow"))).out();
            }
        }
        assertTrue(shown.contains("of about 20,000"), shown);
        assertEquals(0, run.get(60, TimeUnit.SECONDS).exitCode());
    }
}
