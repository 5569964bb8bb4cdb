package dev.doppel.engine.throttle;

import dev.doppel.engine.Options;
import dev.doppel.engine.Outcome;
import dev.doppel.engine.Phase;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAL-rate and rows/s caps hold the copy back, and lifting them lets it finish. How closely a cap is kept over
 * a long window is a figure for the benchmarks (the {@code doppel-wal-throttled} scenario, docs/benchmarks.md), not
 * an assertion here: a loaded machine would move it.
 */
@PostgresTest
class RateCapTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aWalRateCapHoldsTheCopyUntilLifted(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE wal_capped (id int PRIMARY KEY, pad text)",
                "INSERT INTO wal_capped SELECT g, repeat('x', 200) FROM generate_series(1, 40000) g");
        // One byte a second: whatever the first chunks write, the average stays over it.
        Running run = Running.start(db.dataSource(), "wal_capped", "ALTER COLUMN id TYPE bigint", Options.defaults()
                .withChunk(Duration.ofMillis(50), 1_000, 2_000).withThrottle(ThrottleSettings.none()
                        .withLimit(Measure.WAL_RATE, new Threshold(1, 0))));
        MigrationRecord held = run.await(WAIT, r -> Running.heldFor(r, "WAL rate"));
        assertEquals(Phase.COPY, held.phase());
        assertTrue(held.rowsCopied() < 40_000, "held before the copy ended: " + held.rowsCopied());
        run.migrations.limit(held.id(), Measure.WAL_RATE, new Threshold(0, 0));
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
    }

    @Test
    void aRowsPerSecondCapPacesTheCopyUntilLifted(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE row_capped (id int PRIMARY KEY, v int)",
                "INSERT INTO row_capped SELECT g, g FROM generate_series(1, 40000) g");
        // At 50 rows a second the copy would take over 13 minutes: it is still copying whenever it is looked at.
        Running run = Running.start(db.dataSource(), "row_capped", "ALTER COLUMN v TYPE bigint", Options.defaults()
                .withChunk(Duration.ofMillis(50), 500, 1_000).withMaxRowsPerSecond(50));
        MigrationRecord copying = run.await(WAIT, r -> r.rowsCopied() > 0);
        assertEquals(Phase.COPY, copying.phase());
        assertTrue(copying.rowsCopied() < 40_000, "paced: " + copying.rowsCopied());
        run.migrations.throttle(copying.id(), 0L);
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
    }
}
