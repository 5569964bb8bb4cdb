package dev.doppel.cli;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's application: threads inserting, updating and deleting orders, each write its own transaction, on a
 * fixed schedule rather than back to back, so a write held up by a lock is followed by the ones that fell due
 * meanwhile, as requests queue in a real application. Every failed write is counted with its message.
 */
final class DemoWriters implements AutoCloseable {

    private static final long INTERVAL_NANOS = 5_000_000;
    /** A writer further behind than this skips the missed writes rather than bursting to catch up. */
    private static final long MAX_BACKLOG_NANOS = 1_000_000_000;
    private static final String[] STATUSES = {"new", "paid", "shipped", "cancelled"};

    private final DataSource dataSource;
    private final AtomicLong highestId;
    private final AtomicLong ok = new AtomicLong();
    private final Map<String, Long> failures = new TreeMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    private DemoWriters(DataSource dataSource, long highestId) {
        this.dataSource = dataSource;
        this.highestId = new AtomicLong(highestId);
    }

    /** Starts {@code count} writers on the demo's orders table, whose ids run from 1 to {@code highestId}. */
    static DemoWriters start(DataSource dataSource, int count, long highestId) {
        DemoWriters w = new DemoWriters(dataSource, highestId);
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(w::write, "demo-writer-" + i);
            t.setDaemon(true);
            w.threads.add(t);
            t.start();
        }
        return w;
    }

    long ok() {
        return ok.get();
    }

    long failed() {
        synchronized (failures) {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Each distinct failure message with how often it occurred. */
    Map<String, Long> failures() {
        synchronized (failures) {
            return new TreeMap<>(failures);
        }
    }

    /** Stops the writers and waits for their last write to finish. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join();
        }
    }

    private void write() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO orders (total, status, note) VALUES (?, ?, ?) RETURNING id");
             PreparedStatement update = c.prepareStatement("UPDATE orders SET total = ?, status = ? WHERE id = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM orders WHERE id = ?")) {
            long next = System.nanoTime();
            while (running) {
                next = Math.max(next + INTERVAL_NANOS, System.nanoTime() - MAX_BACKLOG_NANOS);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                try {
                    writeOne(insert, update, delete);
                    ok.incrementAndGet();
                } catch (SQLException e) {
                    fail(e.getMessage());
                }
            }
        } catch (SQLException e) {
            fail("could not connect: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One insert, update or delete. Totals are whole numbers: valid both as the old numeric(12,2) and as the new
     * bigint of cents the table has after the swap.
     */
    private void writeOne(PreparedStatement insert, PreparedStatement update, PreparedStatement delete)
            throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int op = random.nextInt(10);
        if (op < 4) {
            insert.setLong(1, random.nextLong(1, 100_000));
            insert.setString(2, STATUSES[0]);
            insert.setString(3, random.nextBoolean() ? null : "placed by " + Thread.currentThread().getName());
            try (var rs = insert.executeQuery()) {
                rs.next();
                highestId.accumulateAndGet(rs.getLong(1), Math::max);
            }
        } else if (op < 8) {
            update.setLong(1, random.nextLong(1, 100_000));
            update.setString(2, STATUSES[random.nextInt(STATUSES.length)]);
            update.setLong(3, random.nextLong(1, highestId.get() + 1));
            update.executeUpdate();
        } else {
            delete.setLong(1, random.nextLong(1, highestId.get() + 1));
            delete.executeUpdate();
        }
    }

    private void fail(String message) {
        synchronized (failures) {
            failures.merge(String.valueOf(message), 1L, Long::sum);
        }
    }
}
