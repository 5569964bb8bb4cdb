package dev.doppel.engine.throttle;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Result;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The copy is held, with its reason in the migration's row, while a probe, the source table's lock waiters or its
 * active sessions are over their limits, or a probe cannot be read; it goes on when they come down or the
 * operator lifts the limit.
 */
@PostgresTest
class TableSignalsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Options slowCopy(ThrottleSettings throttle) {
        return Options.defaults().withChunk(Duration.ofMillis(20), 500, 500).withMaxRowsPerSecond(10_000)
                .withThrottle(throttle);
    }

    private static void table(TestDatabase db, String name) {
        db.execute("CREATE TABLE " + name + " (id int PRIMARY KEY, v int)",
                "INSERT INTO " + name + " SELECT g, g FROM generate_series(1, 20000) g");
    }

    @Test
    void aProbeOverItsLimitHoldsTheCopyUntilItComesDown(TestDatabase db) throws Exception {
        table(db, "probed");
        db.execute("CREATE TABLE queue_depth (v int)", "INSERT INTO queue_depth VALUES (100)");
        Running run = Running.start(db.dataSource(), "probed", "ALTER COLUMN v TYPE bigint", slowCopy(
                ThrottleSettings.none().withProbe("SELECT v FROM queue_depth").withLimit(Measure.PROBE,
                        new Threshold(10, 0))));
        MigrationRecord held = run.await(WAIT, r -> Running.heldFor(r, "probe 100 > 10"));
        assertEquals(Phase.COPY, held.phase());
        assertEquals(0, held.rowsCopied(), "not one chunk while the probe is over its limit");
        assertTrue(held.throttledSince() != null);
        db.execute("UPDATE queue_depth SET v = 3");
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
        assertNull(run.current().throttleReason(), "the reason is cleared when the copy goes on");
    }

    @Test
    void theThrottleHoldsTheIndexBuildsToo(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE indexed (id int PRIMARY KEY, v int, w int)", "CREATE INDEX indexed_v ON indexed (v)",
                "CREATE INDEX indexed_w ON indexed (w)",
                "INSERT INTO indexed SELECT g, g, g FROM generate_series(1, 20000) g",
                "CREATE TABLE build_gate (open boolean)", "INSERT INTO build_gate VALUES (false)");
        String shadow = "doppel.shadow_" + db.scalar("SELECT 'indexed'::regclass::oid");
        // Over its limit once the copy is done, until the gate opens: the copy goes through, the builds wait.
        Running run = Running.start(db.dataSource(), "indexed", "ALTER COLUMN v TYPE bigint", slowCopy(
                ThrottleSettings.none().withProbe("SELECT CASE WHEN m.phase = 'INDEX' AND NOT g.open THEN 100 ELSE 0"
                        + " END FROM doppel.migrations m, build_gate g ORDER BY m.id DESC LIMIT 1")
                        .withLimit(Measure.PROBE, new Threshold(10, 0))));
        MigrationRecord held = run.await(WAIT, r -> r.phase() == Phase.INDEX && Running.heldFor(r, "probe 100 > 10"));
        assertEquals(20_000, held.rowsCopied());
        Thread.sleep(1_000);
        assertEquals(0, db.count("SELECT count(*) FROM pg_index WHERE indrelid = to_regclass('" + shadow + "')"),
                "no index is built while the throttle holds");
        db.execute("UPDATE build_gate SET open = true");
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
        assertEquals(3, db.count("SELECT count(*) FROM pg_index WHERE indrelid = 'indexed'::regclass"));
    }

    @Test
    void aFailingProbeHoldsTheCopyUntilTheOperatorLiftsTheLimit(TestDatabase db) throws Exception {
        table(db, "blind");
        Running run = Running.start(db.dataSource(), "blind", "ALTER COLUMN v TYPE bigint", slowCopy(
                ThrottleSettings.none().withProbe("SELECT v FROM no_such_table").withLimit(Measure.PROBE,
                        new Threshold(10, 0))));
        MigrationRecord held = run.await(WAIT, r -> Running.heldFor(r, "probe unreadable: the probe failed"));
        assertTrue(held.throttleReason().contains("no_such_table"), held.throttleReason());
        Thread.sleep(1_000);
        assertEquals(0, run.current().rowsCopied(), "doppel does not copy blind");
        run.migrations.limit(held.id(), Measure.PROBE, new Threshold(0, 0));
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
        assertEquals(20_000, run.finish().rowsCopied());
    }

    @Test
    void lockWaitersOnTheSourceHoldTheCopy(TestDatabase db) throws Exception {
        table(db, "contended");
        Running run = Running.start(db.dataSource(), "contended", "ALTER COLUMN v TYPE bigint", slowCopy(
                ThrottleSettings.none().withLimit(Measure.LOCK_WAITERS, new Threshold(1, 0))));
        run.await(WAIT, r -> r.rowsCopied() > 0);
        try (Connection holder = db.connect(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("SELECT * FROM contended WHERE id = 1 FOR UPDATE");
            CompletableFuture<Void> w1 = waiter(db);
            CompletableFuture<Void> w2 = waiter(db);
            MigrationRecord held = run.await(WAIT, r -> Running.heldFor(r, "lock waiters 2 > 1 on public.contended"));
            Thread.sleep(1_000);
            assertEquals(held.rowsCopied(), run.current().rowsCopied(), "held while the writers wait");
            holder.rollback();
            w1.join();
            w2.join();
        }
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
    }

    @Test
    void activeSessionsOnTheSourceHoldTheCopy(TestDatabase db) throws Exception {
        table(db, "busy");
        Running run = Running.start(db.dataSource(), "busy", "ALTER COLUMN v TYPE bigint", slowCopy(
                ThrottleSettings.none().withLimit(Measure.ACTIVE_SESSIONS, new Threshold(1, 0))));
        run.await(WAIT, r -> r.rowsCopied() > 0);
        CompletableFuture<Void> q1 = CompletableFuture.runAsync(() -> db.execute("SELECT pg_sleep(4) FROM busy LIMIT 1"));
        CompletableFuture<Void> q2 = CompletableFuture.runAsync(() -> db.execute("SELECT pg_sleep(4) FROM busy LIMIT 1"));
        run.await(WAIT, r -> Running.heldFor(r, "active sessions 2 > 1 on public.busy"));
        q1.join();
        q2.join();
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
    }

    @Test
    void aCriticalReadingStopsTheMigrationResumablyWhenAskedTo(TestDatabase db) throws Exception {
        table(db, "critical");
        db.execute("CREATE TABLE alarm (v int)", "INSERT INTO alarm VALUES (100)");
        Running run = Running.start(db.dataSource(), "critical", "ALTER COLUMN v TYPE bigint", slowCopy(
                ThrottleSettings.none().withProbe("SELECT v FROM alarm").withLimit(Measure.PROBE,
                        new Threshold(10, 50)).withOnCritical(ThrottleSettings.Critical.ABORT, Duration.ZERO)));
        ExecutionException stopped = assertThrows(ExecutionException.class, run::finish);
        assertTrue(stopped.getCause().getMessage().contains("probe 100 >= critical 50"),
                stopped.getCause().getMessage());
        MigrationRecord r = run.current();
        assertNull(r.outcome(), "stopped, not failed: it can be resumed");
        assertEquals("SELECT v FROM alarm", r.throttle().probe());
        assertEquals(ThrottleSettings.Critical.ABORT, r.throttle().onCritical());
        DoppelException again = assertThrows(DoppelException.class, () -> run.migrations.options(slowCopy(
                ThrottleSettings.none())).resume(r.id()));
        assertTrue(again.getMessage().contains("probe 100 >= critical 50"), "a resume given no throttle flags"
                + " copies under the recorded probe, limit and action: " + again.getMessage());
        db.execute("UPDATE alarm SET v = 0");
        assertEquals(Outcome.SUCCEEDED, run.migrations.options(slowCopy(ThrottleSettings.none())).resume(r.id())
                .outcome());
    }

    @Test
    void theOperatorsCommandsEndACriticalPauseWithinASecondOrTwo(TestDatabase db) throws Exception {
        table(db, "alarmed");
        db.execute("CREATE TABLE alarm2 (v int)", "INSERT INTO alarm2 VALUES (100)");
        Running run = Running.start(db.dataSource(), "alarmed", "ALTER COLUMN v TYPE bigint", slowCopy(
                ThrottleSettings.none().withProbe("SELECT v FROM alarm2").withLimit(Measure.PROBE,
                        new Threshold(10, 50)).withOnCritical(ThrottleSettings.Critical.PAUSE, Duration.ofHours(1))));
        long id = run.await(WAIT, r -> Running.heldFor(r, "probe 100 >= critical 50")).id();
        // A limit raised above the reading: the pause ends and the copy holds at the ordinary limit instead.
        run.migrations.limit(id, Measure.PROBE, new Threshold(10, 500));
        run.await(WAIT, r -> "probe 100 > 10".equals(r.throttleReason()));
        db.execute("UPDATE alarm2 SET v = 1000");
        run.await(WAIT, r -> Running.heldFor(r, "probe 1000 >= critical 500"));
        run.migrations.pause(id);
        run.await(WAIT, r -> "paused by the operator".equals(r.throttleReason()));
        db.execute("UPDATE alarm2 SET v = 0");
        run.migrations.unpause(id);
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome(), "released long before the hour's critical pause");
    }

    @Test
    void anUnpauseEndsACriticalPauseAndACriticalReadingThenHoldsLikeALimit(TestDatabase db) throws Exception {
        table(db, "siren");
        db.execute("CREATE TABLE alarm3 (v int)", "INSERT INTO alarm3 VALUES (100)");
        Running run = Running.start(db.dataSource(), "siren", "ALTER COLUMN v TYPE bigint", slowCopy(
                ThrottleSettings.none().withProbe("SELECT v FROM alarm3").withLimit(Measure.PROBE,
                        new Threshold(10, 50)).withOnCritical(ThrottleSettings.Critical.PAUSE, Duration.ofHours(1))));
        long id = run.await(WAIT, r -> Running.heldFor(r, "probe 100 >= critical 50")).id();
        run.migrations.unpause(id);
        run.await(WAIT, r -> Running.heldFor(r, "(critical pause ended by the operator)"));
        db.execute("UPDATE alarm3 SET v = 0");
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome(), "read every half second after the unpause");
    }

    @Test
    void aResumeAsksTheRecordedReplicasWhichKeepNoPassword(TestDatabase db) throws Exception {
        table(db, "cascaded");
        db.execute("CREATE TABLE gate (v int)", "INSERT INTO gate VALUES (100)");
        Running run = Running.start(db.dataSource(), "cascaded", "ALTER COLUMN v TYPE bigint", slowCopy(
                ThrottleSettings.none().withReplicas(List.of("jdbc:postgresql://localhost:1/postgres?user=postgres"
                        + "&password=secret")).withProbe("SELECT v FROM gate").withLimit(Measure.PROBE,
                        new Threshold(10, 50)).withOnCritical(ThrottleSettings.Critical.ABORT, null)));
        assertThrows(ExecutionException.class, run::finish);
        long id = run.current().id();
        assertEquals(List.of("jdbc:postgresql://localhost:1/postgres?user=postgres"),
                run.current().throttle().replicas());
        db.execute("UPDATE gate SET v = 0");
        CompletableFuture<Result> resumed = CompletableFuture.supplyAsync(() -> run.migrations.options(slowCopy(
                ThrottleSettings.none().withLimit(Measure.REPLICA_LAG, new Threshold(5, 0)))).resume(id));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Running.heldFor(run.migrations.get(id), "replica lag unreadable: replica localhost:1 cannot be"
                + " queried")) {
            assertTrue(System.nanoTime() < deadline && !resumed.isDone(), "the resume never asked the recorded"
                    + " replica: " + run.migrations.get(id));
            Thread.sleep(50);
        }
        run.migrations.limit(id, Measure.REPLICA_LAG, new Threshold(0, 0));
        assertEquals(Outcome.SUCCEEDED, resumed.get(120, TimeUnit.SECONDS).outcome());
    }

    private static CompletableFuture<Void> waiter(TestDatabase db) {
        return CompletableFuture.runAsync(() -> db.execute("UPDATE contended SET v = v + 1 WHERE id = 1"));
    }
}
