package dev.doppel.engine.oracle;

import dev.doppel.engine.testing.TestDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application, for tests: writer threads that apply each operation in one transaction to the migrated table
 * and to a mirror of the same definition, the mirror's statement only where the table's touched a row (a row
 * another writer committed between the two statements must not be touched in the mirror alone). Subclasses say
 * what the operations are.
 */
public abstract class MirroredWriters implements AutoCloseable {

    private final TestDatabase db;
    private final String source;
    private final String mirror;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean paused = new AtomicBoolean(false);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    protected MirroredWriters(TestDatabase db, String source, String mirror) {
        this.db = db;
        this.source = source;
        this.mirror = mirror;
    }

    /** One transaction's statements, with %T for the table; {@code writer} numbers the thread from 0. */
    protected abstract List<String> operation(Random random, int writer);

    /** Starts {@code count} threads, each with its own seeded random, pausing {@code pauseMillis} between writes. */
    protected void startThreads(int count, long seed, long pauseMillis, String name) {
        for (int t = 0; t < count; t++) {
            Random random = new Random(seed * 31 + t);
            int writer = t;
            Thread thread = new Thread(() -> write(random, pauseMillis, writer), name + "-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void write(Random random, long pauseMillis, int writer) {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            while (running.get()) {
                if (paused.get()) {
                    Thread.sleep(5);
                    continue;
                }
                inFlight.incrementAndGet();
                if (paused.get()) {
                    inFlight.decrementAndGet();
                    continue;
                }
                List<String> ops = operation(random, writer);
                long started = System.nanoTime();
                try {
                    for (String op : ops) {
                        if (st.executeUpdate(op.replace("%T", source)) > 0) {
                            st.executeUpdate(op.replace("%T", mirror));
                        }
                    }
                    c.commit();
                    ok.incrementAndGet();
                    slowestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
                } catch (SQLException e) {
                    failures.add(e.getMessage());
                    c.rollback();
                } finally {
                    inFlight.decrementAndGet();
                }
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (SQLException | InterruptedException e) {
            failures.add("writer stopped: " + e);
        }
    }

    /**
     * Stops writing and waits until no write is in flight. For changes whose USING transforms values, the writes
     * that land after the swap mean something else to the new table than to the mirror, so the oracle stops there.
     */
    public void pause() {
        paused.set(true);
        while (inFlight.get() > 0) {
            Thread.onSpinWait();
        }
    }

    /** The longest any committed write took, in milliseconds: how long doppel ever held writers up. */
    public long slowestWriteMillis() {
        return slowestNanos.get() / 1_000_000;
    }

    public long committed() {
        return ok.get();
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
