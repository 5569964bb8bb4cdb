package dev.doppel.engine.throttle;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAL-rate and rows/s caps hold within 10% over a window in the middle of a copy. The default window is
 * short to keep the suite fast; {@code -Ddoppel.rate.window=30} runs the 30 s window (with a table sized
 * for it). The measured rates are printed for the record.
 */
@PostgresTest
class RateCapTest {

    private static final int WINDOW_SECONDS = Integer.getInteger("doppel.rate.window", 5);
    private static final long WAL_CAP = 2L * 1024 * 1024;
    private static final long ROWS_CAP = 10_000;

    @Test
    void theWalRateCapHolds(TestDatabase db) throws Exception {
        int rows = (WINDOW_SECONDS + 4) * 8_000;
        db.execute("CREATE TABLE wal_capped (id int PRIMARY KEY, pad text)",
                "INSERT INTO wal_capped SELECT g, repeat('x', 200) FROM generate_series(1, " + rows + ") g");
        Running run = Running.start(db.dataSource(), "wal_capped", "ALTER COLUMN id TYPE bigint", Options.defaults()
                .withChunk(Duration.ofMillis(50), 1_000, 2_000).withThrottle(ThrottleSettings.none()
                        .withLimit(Measure.WAL_RATE, new Threshold(WAL_CAP, 0))));
        long id = run.await(Duration.ofSeconds(30), r -> r.rowsCopied() > 0).id();
        long start = walPosition(db);
        long t0 = System.nanoTime();
        Thread.sleep(WINDOW_SECONDS * 1_000L);
        long bytes = walPosition(db) - start;
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(Phase.COPY, run.current().phase(), "the window lies inside the copy");
        double rate = bytes / seconds;
        System.out.printf(Locale.ROOT, "[rate caps] WAL %.0f bytes/s over %.1f s with a cap of %d bytes/s (%.1f%%)%n",
                rate, seconds, WAL_CAP, 100 * rate / WAL_CAP);
        assertTrue(rate <= WAL_CAP * 1.1, "WAL rate " + rate + " bytes/s over a cap of " + WAL_CAP);
        run.migrations.limit(id, Measure.WAL_RATE, new Threshold(0, 0));
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
    }

    @Test
    void theRowsPerSecondCapHolds(TestDatabase db) throws Exception {
        long rows = (WINDOW_SECONDS + 4) * ROWS_CAP;
        db.execute("CREATE TABLE row_capped (id int PRIMARY KEY, v int)",
                "INSERT INTO row_capped SELECT g, g FROM generate_series(1, " + rows + ") g");
        Running run = Running.start(db.dataSource(), "row_capped", "ALTER COLUMN v TYPE bigint", Options.defaults()
                .withChunk(Duration.ofMillis(50), 500, 1_000).withMaxRowsPerSecond(ROWS_CAP));
        long id = run.await(Duration.ofSeconds(30), r -> r.rowsCopied() > 0).id();
        long start = run.current().rowsCopied();
        long t0 = System.nanoTime();
        Thread.sleep(WINDOW_SECONDS * 1_000L);
        long copied = run.current().rowsCopied() - start;
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(Phase.COPY, run.current().phase(), "the window lies inside the copy");
        double rate = copied / seconds;
        System.out.printf(Locale.ROOT, "[rate caps] %.0f rows/s over %.1f s with a cap of %d rows/s (%.1f%%)%n",
                rate, seconds, ROWS_CAP, 100 * rate / ROWS_CAP);
        assertTrue(rate <= ROWS_CAP * 1.1, rate + " rows/s over a cap of " + ROWS_CAP);
        run.migrations.throttle(id, 0L);
        assertEquals(Outcome.SUCCEEDED, run.finish().outcome());
    }

    private static long walPosition(TestDatabase db) {
        return Long.parseLong(db.scalar("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"));
    }
}
