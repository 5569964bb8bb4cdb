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

    @Test
    void aLimitGivenAtTheStartHoldsTheCopyWithItsReasonInStatusAndTheProgressUntilLiftedLive(TestDatabase db)
            throws Exception {
        Tables.orders(db, "orders_probed", 3_000);
        db.execute("CREATE TABLE backlog_gauge (n int)", "INSERT INTO backlog_gauge VALUES (40)");
        CompletableFuture<Cli> run = CompletableFuture.supplyAsync(() -> Cli.against(db, "run", "--table",
                "orders_probed", "--alter", Tables.TO_CENTS, "--probe", "SELECT n FROM backlog_gauge",
                "--limit", "probe=25", "--limit", "replica-lag=5s:60s"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'doppel' AND tablename = 'migrations'") == 0
                || db.count("SELECT count(*) FROM doppel.migrations WHERE table_name = 'public.orders_probed'"
                + " AND throttle_reason IS NOT NULL") == 0) {
            assertTrue(System.nanoTime() < deadline, "the copy was never held");
            Thread.sleep(50);
        }
        long id = Tables.migrationOf(db, "orders_probed");
        Cli status = Cli.against(db, "status", Long.toString(id));
        assertTrue(status.out().contains(": probe 40 > 25"), status::toString);
        Cli json = Cli.against(db, "status", Long.toString(id), "--json");
        assertTrue(json.out().contains("\"throttle_reason\":\"probe 40 > 25\""), json::toString);
        Cli lift = Cli.against(db, "throttle", Long.toString(id), "--limit", "probe=0");
        assertEquals(0, lift.exitCode(), lift::toString);
        assertTrue(lift.out().contains("probe limit lifted"), lift::toString);
        Cli finished = run.get(60, TimeUnit.SECONDS);
        assertEquals(0, finished.exitCode(), finished::toString);
        assertTrue(finished.err().contains("copy      held: probe 40 > 25"), finished::toString);
        assertTrue(finished.err().contains("copy      goes on"), finished::toString);
    }

    @Test
    void aResumeCopiesUnderTheRecordedThrottleUnlessGivenFlagsAndNoPasswordIsRecorded(TestDatabase db) {
        Tables.orders(db, "orders_alarmed", 3_000);
        db.execute("CREATE TABLE alarm_gauge (n int)", "INSERT INTO alarm_gauge VALUES (40)");
        Cli run = Cli.against(db, "run", "--table", "orders_alarmed", "--alter", Tables.TO_CENTS, "--probe",
                "SELECT n FROM alarm_gauge", "--limit", "probe=25:30", "--on-critical", "abort", "--replica",
                "jdbc:postgresql://standby9:5432/shop?user=doppel&password=hunter2");
        assertEquals(Cli.exitFor("stopped"), run.exitCode(), run::toString);
        assertTrue(run.err().contains("probe 40 >= critical 30"), run::toString);
        long id = Tables.migrationOf(db, "orders_alarmed");
        assertEquals(0, db.count("SELECT count(*) FROM doppel.migrations WHERE concat_ws(' ', throttle_replicas::text,"
                + " options, error) LIKE '%hunter2%'"), "no password is recorded");
        Cli status = Cli.against(db, "status", Long.toString(id));
        assertTrue(status.out().contains("throttling     limits probe=25:30; replicas"
                + " jdbc:postgresql://standby9:5432/shop?user=doppel; probe SELECT n FROM alarm_gauge;"
                + " at critical: stop (resumable)"), status::toString);
        assertFalse(status.out().contains("hunter2"), status::toString);
        Cli json = Cli.against(db, "status", Long.toString(id), "--json");
        assertTrue(json.out().contains("\"throttle_on_critical\":\"abort\""), json::toString);
        Cli again = Cli.against(db, "resume", Long.toString(id));
        assertEquals(Cli.exitFor("stopped"), again.exitCode(), again::toString);
        assertTrue(again.err().contains("probe 40 >= critical 30"), "the recorded probe, limit and action: " + again);
        Cli lifted = Cli.against(db, "resume", Long.toString(id), "--limit", "probe=0");
        assertEquals(0, lifted.exitCode(), lifted::toString);
        assertEquals("bigint", Tables.type(db, "orders_alarmed", "total"));
    }

    @Test
    void badLimitsAreUsageErrors(TestDatabase db) {
        Cli unit = Cli.against(db, "run", "--table", "t", "--alter", "ADD COLUMN x int", "--limit", "replica-lag=5MB");
        assertEquals(2, unit.exitCode(), unit::toString);
        assertTrue(unit.err().contains("'MB' is not a unit for replica-lag"), unit::toString);
        Cli probe = Cli.against(db, "run", "--table", "t", "--alter", "ADD COLUMN x int", "--limit", "probe=3");
        assertTrue(probe.err().contains("--limit probe=... needs --probe"), probe::toString);
    }
}
