package dev.doppel.benchmarks;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application during a scenario: writes at a fixed target rate (open loop: each operation has an intended
 * start time, and its latency counts from then, so a stall is not hidden by the writers slowing down), spread
 * over a pool of connections. Writes are valid before and after the benchmark's change (total stays integral).
 */
final class Workload implements AutoCloseable {

    record Summary(long ok, long failed, double p50Millis, double p99Millis, double maxMillis,
                   Map<String, Long> errors) {
    }

    private final DataSource dataSource;
    private final String table;
    private final int ratePerSecond;
    private final long maxId;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final BlockingQueue<Long> intended = new ArrayBlockingQueue<>(100_000);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();
    private final Map<String, Long> errors = new ConcurrentHashMap<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Timer latency;
    private final Thread[] threads;
    private final Thread pacer;

    Workload(DataSource dataSource, String table, int ratePerSecond, int connections, long maxId) {
        this.dataSource = dataSource;
        this.table = table;
        this.ratePerSecond = ratePerSecond;
        this.maxId = maxId;
        // One window for the whole scenario: percentiles must not decay away a stall that happened early on.
        this.latency = Timer.builder("workload.latency").publishPercentiles(0.5, 0.99).percentilePrecision(2)
                .distributionStatisticExpiry(java.time.Duration.ofDays(1)).distributionStatisticBufferLength(1)
                .register(registry);
        this.threads = new Thread[connections];
        for (int i = 0; i < connections; i++) {
            threads[i] = new Thread(this::work, "workload-" + i);
            threads[i].setDaemon(true);
        }
        this.pacer = new Thread(this::pace, "workload-pacer");
        pacer.setDaemon(true);
    }

    Workload start() {
        for (Thread t : threads) {
            t.start();
        }
        pacer.start();
        return this;
    }

    private void pace() {
        long interval = 1_000_000_000L / Math.max(1, ratePerSecond);
        long next = System.nanoTime();
        while (running.get()) {
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleepNanos(wait);
            }
            if (!intended.offer(next)) {
                failed.incrementAndGet();
                errors.merge("workload queue overflow (the database stalled)", 1L, Long::sum);
            }
        }
    }

    private void work() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET total = total + 1,"
                     + " status = 'paid' WHERE id = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (customer_id, total, status,"
                     + " created_at) VALUES (?, 100, 'new', now())");
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            while (running.get() || !intended.isEmpty()) {
                Long start = intended.poll(50, TimeUnit.MILLISECONDS);
                if (start == null) {
                    continue;
                }
                ThreadLocalRandom r = ThreadLocalRandom.current();
                int op = r.nextInt(10);
                try {
                    PreparedStatement ps = op < 6 ? update : op < 9 ? insert : delete;
                    ps.setLong(1, op < 6 || op == 9 ? 1 + r.nextLong(maxId) : r.nextInt(100_000));
                    ps.executeUpdate();
                    ok.incrementAndGet();
                } catch (SQLException e) {
                    failed.incrementAndGet();
                    errors.merge(e.getSQLState() + " " + e.getMessage(), 1L, Long::sum);
                }
                long took = System.nanoTime() - start;
                latency.record(took, TimeUnit.NANOSECONDS);
                maxNanos.accumulateAndGet(took, Math::max);
            }
        } catch (SQLException e) {
            errors.merge("connection: " + e.getMessage(), 1L, Long::sum);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Summary stop() throws InterruptedException {
        running.set(false);
        pacer.join();
        for (Thread t : threads) {
            t.join(60_000);
        }
        var snapshot = latency.takeSnapshot();
        double p50 = 0;
        double p99 = 0;
        for (ValueAtPercentile v : snapshot.percentileValues()) {
            if (v.percentile() == 0.5) {
                p50 = v.value(TimeUnit.MILLISECONDS);
            } else if (v.percentile() == 0.99) {
                p99 = v.value(TimeUnit.MILLISECONDS);
            }
        }
        return new Summary(ok.get(), failed.get(), p50, p99, maxNanos.get() / 1e6, Map.copyOf(errors));
    }

    @Override
    public void close() throws InterruptedException {
        if (running.get()) {
            stop();
        }
    }
}
