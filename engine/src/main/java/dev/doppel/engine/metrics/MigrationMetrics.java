package dev.doppel.engine.metrics;

import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records a migration's progress in a Micrometer registry: rows copied, the copy rate, the leaf a partitioned
 * table's copy is in, time per phase and the current phase, chunk sizes and times, the change log's backlog and replay, whether the copy is held and the time
 * it was held per cause ("replica-lag", "paused", ...), lock hold times and attempts, and errors by reason. Meters
 * are tagged with the table so several migrations can share one registry. Gauges hold
 * their values strongly: the registry outlives the migration, and a collected value would read as NaN.
 */
public final class MigrationMetrics implements MigrationListener {

    private final MeterRegistry registry;
    private final String table;
    private final Counter rowsCopied;
    private final AtomicLong rowsPerSecond = new AtomicLong();
    private final AtomicLong phaseOrdinal = new AtomicLong(-1);
    private final AtomicLong throttledNow = new AtomicLong();
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong partition = new AtomicLong();
    private final AtomicLong partitions = new AtomicLong();
    private final DistributionSummary chunkRows;
    private final Timer chunkTime;
    private final Counter replayed;
    private String heldFor;
    private long heldSince;
    private long lastRows;
    private Phase phase;
    private long phaseStarted;

    public MigrationMetrics(MeterRegistry registry, String table) {
        this.registry = registry;
        this.table = table;
        this.rowsCopied = Counter.builder("doppel.rows.copied").tag("table", table)
                .description("rows copied from the source into the shadow").register(registry);
        Gauge.builder("doppel.copy.rate", rowsPerSecond, AtomicLong::get).tag("table", table)
                .description("copy rate, rows per second").baseUnit("rows/s").strongReference(true).register(registry);
        Gauge.builder("doppel.copy.partition", partition, AtomicLong::get).tag("table", table)
                .description("the leaf a partitioned table's copy is in, by its number in the copy's order; 0 before")
                .strongReference(true).register(registry);
        Gauge.builder("doppel.copy.partitions", partitions, AtomicLong::get).tag("table", table)
                .description("the leaves a partitioned table's copy goes through; 0 for a plain table")
                .strongReference(true).register(registry);
        Gauge.builder("doppel.phase", phaseOrdinal, AtomicLong::get).tag("table", table)
                .description("current phase, as its position in dev.doppel.engine.Phase").strongReference(true)
                .register(registry);
        this.chunkRows = DistributionSummary.builder("doppel.chunk.rows").tag("table", table)
                .description("rows per copy chunk").baseUnit("rows").publishPercentiles(0.5, 0.99).register(registry);
        this.chunkTime = Timer.builder("doppel.chunk.duration").tag("table", table)
                .description("time per copy chunk, its commit included").publishPercentileHistogram().register(registry);
        this.replayed = Counter.builder("doppel.replay.entries").tag("table", table)
                .description("change log entries re-synced into the shadow").register(registry);
        Gauge.builder("doppel.replay.backlog", backlog, AtomicLong::get).tag("table", table)
                .description("change log entries not yet re-synced").strongReference(true).register(registry);
        Gauge.builder("doppel.throttled", throttledNow, AtomicLong::get).tag("table", table)
                .description("1 while the copy is held by a throttle limit, an unreadable signal or a pause")
                .strongReference(true).register(registry);
    }

    @Override
    public void phase(Phase next, String detail) {
        long now = System.nanoTime();
        if (phase != null) {
            Timer.builder("doppel.phase.duration").tag("table", table).tag("phase", phase.name().toLowerCase())
                    .register(registry).record(Duration.ofNanos(now - phaseStarted));
        }
        phase = next;
        phaseStarted = now;
        phaseOrdinal.set(next.ordinal());
    }

    @Override
    public void copied(long rows, long estimatedTotal, double rate) {
        rowsCopied.increment(rows - lastRows);
        lastRows = rows;
        rowsPerSecond.set(Math.round(rate));
    }

    @Override
    public void copyingPartition(String name, int number, int count) {
        partition.set(number);
        partitions.set(count);
    }

    @Override
    public void throttled(String cause, String reason) {
        if (!cause.equals(heldFor)) {
            unthrottled();
            heldFor = cause;
            heldSince = System.nanoTime();
            throttledNow.set(1);
        }
    }

    @Override
    public void unthrottled() {
        if (heldFor != null) {
            Timer.builder("doppel.throttled.time").tag("table", table).tag("cause", heldFor)
                    .description("time the copy was held, per cause").register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - heldSince));
            heldFor = null;
            throttledNow.set(0);
        }
    }

    @Override
    public void chunk(long rows, long millis) {
        chunkRows.record(rows);
        chunkTime.record(Duration.ofMillis(millis));
    }

    @Override
    public void backlog(long entries) {
        backlog.set(entries);
    }

    @Override
    public void replayed(long entries) {
        replayed.increment(entries);
    }

    /**
     * Records how long the migration held a lock on the source, and how many attempts it took to get it: each
     * attempt but the last waited its whole lock_timeout.
     */
    public void lockHeld(String what, long millis, int attempts) {
        Timer.builder("doppel.lock.held").tag("table", table).tag("lock", what).register(registry)
                .record(Duration.ofMillis(millis));
        Counter.builder("doppel.lock.attempts").tag("table", table).tag("lock", what)
                .description("attempts to take the lock; all but the last timed out").register(registry)
                .increment(attempts);
    }

    /** A migration that ended with an error or a refusal, by its reason code. */
    public void error(String reason) {
        Counter.builder("doppel.errors").tag("table", table).tag("reason", reason)
                .description("migrations ended by an error or a refusal, per reason").register(registry).increment();
    }
}
