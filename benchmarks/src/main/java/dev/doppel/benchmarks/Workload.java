package dev.doppel.benchmarks;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application during a scenario: writes at a fixed target rate, 60% updates, 30% inserts and 10% deletes,
 * over a pool of connections. Open loop: a pacer gives each operation an intended start time whether or not the
 * database keeps up, and its latency counts from then, so a stall shows in full instead of being hidden by
 * writers that slow down (coordinated omission).
 */
final class Workload implements Timeline {

    private record Due(long nanos, LatencyLog.Window window, String phase) {
    }

    private final DataSource dataSource;
    private final Fixture.Op insert;
    private final Fixture.Op update;
    private final Fixture.Op delete;
    private final long keys;
    private final int ratePerSecond;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final BlockingQueue<Due> due;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, Long> errors = new ConcurrentHashMap<>();
    private final Thread[] workers;
    private final Thread pacer;
    /** The window and phase an operation due now counts in, replaced together. */
    private record Now(LatencyLog.Window window, String phase) {
    }

    private volatile Now now = new Now(LatencyLog.Window.BEFORE, null);
    private volatile long changeStart;
    private volatile long changeEnd;
    private long startNanos;
    private LatencyLog log;

    /** @param keys the workload updates and deletes keys 1 to this; the fixture decides what a key names */
    Workload(DataSource dataSource, Fixture fixture, Fixture.Size size, long keys, int ratePerSecond, int connections) {
        this.dataSource = dataSource;
        this.insert = fixture.statement("insert", size);
        this.update = fixture.statement("update", size);
        this.delete = fixture.statement("delete", size);
        this.keys = keys;
        this.ratePerSecond = ratePerSecond;
        // Ten minutes of backlog: beyond that the database has stalled so long that more queueing measures nothing.
        this.due = new LinkedBlockingQueue<>(Math.max(1, ratePerSecond) * 600);
        this.workers = new Thread[connections];
        for (int i = 0; i < connections; i++) {
            workers[i] = new Thread(this::work, "workload-" + i);
            workers[i].setDaemon(true);
        }
        this.pacer = new Thread(this::pace, "workload-pacer");
        pacer.setDaemon(true);
    }

    Workload start() {
        startNanos = System.nanoTime();
        log = new LatencyLog(startNanos);
        for (Thread t : workers) {
            t.start();
        }
        pacer.start();
        return this;
    }

    @Override
    public void mark(String label, LatencyLog.Window w) {
        long at = System.nanoTime();
        log.mark(at, label);
        if (w == LatencyLog.Window.DURING && changeStart == 0) {
            changeStart = at;
        } else if (w == LatencyLog.Window.AFTER) {
            changeEnd = at;
        }
        now = new Now(w, label);
    }

    private void pace() {
        long interval = 1_000_000_000L / Math.max(1, ratePerSecond);
        long next = System.nanoTime();
        while (running.get()) {
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Now n = now;
            if (!due.offer(new Due(next, n.window(), n.phase()))) {
                failed.incrementAndGet();
                errors.merge("not sent: ten minutes of operations already queued behind a stalled database", 1L,
                        Long::sum);
            }
        }
    }

    private void work() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement up = c.prepareStatement(update.sql());
             PreparedStatement in = c.prepareStatement(insert.sql());
             PreparedStatement del = c.prepareStatement(delete.sql())) {
            while (running.get() || !due.isEmpty()) {
                Due d = due.poll(50, TimeUnit.MILLISECONDS);
                if (d != null) {
                    run(d, up, in, del);
                }
            }
        } catch (SQLException e) {
            errors.merge("connection: " + mask(e.getMessage()), 1L, Long::sum);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Due d, PreparedStatement up, PreparedStatement in, PreparedStatement del) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int op = r.nextInt(10);
        PreparedStatement ps = op < 6 ? up : op < 9 ? in : del;
        int parameters = (op < 6 ? update : op < 9 ? insert : delete).keyParameters();
        boolean failure = false;
        try {
            long key = 1 + r.nextLong(keys);
            for (int i = 1; i <= parameters; i++) {
                ps.setLong(i, key);
            }
            ps.executeUpdate();
            ok.incrementAndGet();
        } catch (SQLException e) {
            failure = true;
            failed.incrementAndGet();
            errors.merge(e.getSQLState() + " " + mask(e.getMessage()), 1L, Long::sum);
        }
        log.record(d.nanos(), d.window(), d.phase(), System.nanoTime(), failure);
    }

    /** Numbers masked, so errors that differ only by key or oid count as one. */
    private static String mask(String message) {
        return String.valueOf(message).replaceAll("\\d+", "N");
    }

    /** Stops at the next whole second of the run, so every second of the latency series is complete. */
    WorkloadResult stop() throws InterruptedException {
        long elapsed = System.nanoTime() - startNanos;
        TimeUnit.NANOSECONDS.sleep(1_000_000_000L - elapsed % 1_000_000_000L);
        int wholeSeconds = (int) (elapsed / 1_000_000_000L) + 1;
        running.set(false);
        pacer.interrupt();
        pacer.join();
        for (Thread t : workers) {
            t.join();
        }
        LatencySummary during = log.summary(LatencyLog.Window.DURING, LatencyLog.Window.CUTOVER);
        return new WorkloadResult(ok.get(), failed.get(), Map.copyOf(errors),
                log.fewestCompleted(changeStart, changeEnd),
                log.summary(LatencyLog.Window.BEFORE), during,
                log.summary(LatencyLog.Window.CUTOVER), log.summary(LatencyLog.Window.AFTER), log.byPhase(),
                log.series(wholeSeconds), log.marks());
    }
}
