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
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application, for tests: writer threads that apply random inserts, updates, key updates and deletes, each in
 * one transaction to the migrated table and to a mirror of the same definition. At the end the mirror gets a
 * plain blocking ALTER, and the migrated table must equal it row for row.
 */
public final class OracleWriters implements AutoCloseable {

    private final TestDatabase db;
    private final TableShape shape;
    private final String source;
    private final String mirror;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean paused = new AtomicBoolean(false);
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong nextKey;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean tokens;

    public OracleWriters(TestDatabase db, TableShape shape, String source, String mirror, long firstFreeKey) {
        this.db = db;
        this.shape = shape;
        this.source = source;
        this.mirror = mirror;
        this.nextKey = new AtomicLong(firstFreeKey);
    }

    /** Also hands values of the secondary unique column {@code token} between rows (see {@link SchemaExtras}). */
    public OracleWriters withTokens() {
        this.tokens = true;
        return this;
    }

    public OracleWriters start(int threadCount, long seed, long pauseMillis) {
        for (int t = 0; t < threadCount; t++) {
            Random random = new Random(seed * 31 + t);
            int writer = t;
            Thread thread = new Thread(() -> write(random, pauseMillis, writer), "oracle-writer-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        return this;
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
                        // A row another writer committed between the two statements must not be touched in the
                        // mirror alone: follow the source's answer.
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

    private List<String> operation(Random random, int writer) {
        long maxKey = nextKey.get();
        long existing = Math.max(1, (long) (random.nextDouble() * maxKey));
        int pick = random.nextInt(100);
        if (tokens && pick < 25) {
            // Each writer hands its own tokens, so that two writers never race for one value.
            return shape.handOver("%T", existing, "tok" + writer + "_" + random.nextInt(40));
        }
        String respell = pick >= 80 && pick < 85 ? shape.respellKey("%T", existing, random) : null;
        if (respell != null) {
            return List.of(respell);
        }
        if (pick < 40) {
            return List.of(shape.insert("%T", nextKey.getAndIncrement(), random));
        } else if (pick < 75) {
            return List.of(shape.update("%T", existing, random));
        } else if (pick < 85) {
            return List.of(shape.updateKey("%T", existing, nextKey.getAndIncrement()));
        } else {
            return List.of(shape.delete("%T", existing));
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
