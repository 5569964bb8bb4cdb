package dev.doppel.engine.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * The application a lock test watches: one connection inserting a row every 2 ms until closed, timing each insert.
 * Closing stops it and fails if an insert failed; {@link #longestMillis} is the longest an insert waited.
 */
public final class TimedInserts implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong longest = new AtomicLong();
    private final AtomicReference<Exception> failed = new AtomicReference<>();
    private final Thread writer;

    /** Starts inserting the statements {@code insert} makes of 1,000, 1,001, ... */
    public TimedInserts(TestDatabase db, LongFunction<String> insert) {
        writer = new Thread(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                for (long n = 1_000; running.get(); n++) {
                    long start = System.nanoTime();
                    st.execute(insert.apply(n));
                    longest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                    Thread.sleep(2);
                }
            } catch (SQLException | InterruptedException e) {
                failed.set(e);
            }
        }, "timed-inserts");
        writer.start();
    }

    public long longestMillis() {
        return longest.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        writer.join(10_000);
        if (failed.get() != null) {
            throw new AssertionError("an insert failed: " + failed.get().getMessage(), failed.get());
        }
    }
}
