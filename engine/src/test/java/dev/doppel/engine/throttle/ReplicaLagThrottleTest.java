package dev.doppel.engine.throttle;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.Options;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.ReplicatedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real streaming standby whose replay is paused: the copy stops with the lag as its reason and goes on when
 * replay resumes. A replica that cannot be reached holds the copy too.
 */
class ReplicaLagThrottleTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static ReplicatedPostgres pair;

    @BeforeAll
    static void start() {
        pair = ReplicatedPostgres.start();
    }

    @AfterAll
    static void stop() throws Exception {
        pair.close();
    }

    private static Options slowCopy(ThrottleSettings throttle) {
        return Options.defaults().withChunk(Duration.ofMillis(20), 500, 500).withMaxRowsPerSecond(20_000)
                .withThrottle(throttle);
    }

    @Test
    void thePausedReplayOfAStandbyHoldsTheCopyUntilItResumes() throws Exception {
        pair.onPrimary("CREATE TABLE replicated (id int PRIMARY KEY, v int)",
                "INSERT INTO replicated SELECT g, g FROM generate_series(1, 60000) g");
        awaitCaughtUp();
        pair.onStandby("SELECT pg_wal_replay_pause()");
        DataSource ds = pair.primaryDataSource("postgres");
        Running run = Running.start(ds, "replicated", "ALTER COLUMN v TYPE bigint", slowCopy(ThrottleSettings.none()
                .withReplicas(List.of(pair.standbyUrl())).withLimit(Measure.REPLICA_LAG, new Threshold(1, 0))));
        MigrationRecord held = run.await(WAIT, r -> Running.heldFor(r, "replica lag"));
        assertTrue(held.throttleReason().matches("replica lag \\d+\\.\\d+ s > 1\\.00 s on (standby1|localhost:\\d+)"),
                held.throttleReason());
        Thread.sleep(1_500);
        long copied = run.current().rowsCopied();
        Thread.sleep(1_500);
        assertEquals(copied, run.current().rowsCopied(), "no chunk while the standby does not replay");
        assertTrue(copied < 60_000, "held before the end of the copy: " + copied);
        pair.onStandby("SELECT pg_wal_replay_resume()");
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
        assertEquals(60_000, run.finish().rowsCopied());
    }

    @Test
    void aReplicaThatCannotBeQueriedHoldsTheCopy() throws Exception {
        pair.onPrimary("CREATE TABLE unreachable (id int PRIMARY KEY, v int)",
                "INSERT INTO unreachable SELECT g, g FROM generate_series(1, 5000) g");
        DataSource ds = pair.primaryDataSource("postgres");
        Running run = Running.start(ds, "unreachable", "ALTER COLUMN v TYPE bigint", slowCopy(ThrottleSettings.none()
                .withReplicas(List.of("jdbc:postgresql://localhost:1/postgres?user=postgres"))
                .withLimit(Measure.REPLICA_LAG, new Threshold(5, 0))));
        MigrationRecord held = run.await(WAIT, r -> Running.heldFor(r,
                "replica lag unreadable: replica localhost:1 cannot be queried"));
        assertEquals(0, held.rowsCopied());
        run.migrations.limit(held.id(), Measure.REPLICA_LAG, new Threshold(0, 0));
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
    }

    private static void awaitCaughtUp() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (pair.standbyBehindBytes() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the standby did not catch up:\n" + ReplicatedPostgres.logTail());
            }
            Thread.sleep(50);
        }
    }
}
