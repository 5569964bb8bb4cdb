package dev.doppel.engine.copy;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Options;
import dev.doppel.engine.state.OperatorRequests;
import dev.doppel.engine.throttle.Throttler;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Sizes and paces a chunked pass over a table (the copy, a paced verification): before each chunk the throttler
 * may hold it and a WAL-rate limit bounds it; a chunk holds at most one chunk target's worth of the rows/s cap (a
 * chunk copied fast and then slept off would write in bursts what the cap means to spread out); after it, the
 * pass sleeps as long as the cap asks.
 */
public final class ChunkPacer {

    private final Throttler throttler;
    private final Options options;
    private final ChunkSizer sizer;
    private long cap;
    private long lastRows;
    private long started;

    public ChunkPacer(Throttler throttler, Options options) {
        this.throttler = throttler;
        this.options = options;
        this.sizer = new ChunkSizer(options.chunkTarget(), options.initialChunkRows(), options.maxChunkRows());
    }

    /** Holds while the throttle or the operator says so, then gives the rows the next chunk may take. */
    public int next() throws SQLException {
        OperatorRequests.Settings settings = throttler.await();
        cap = settings.maxRowsPerSecond() != null ? settings.maxRowsPerSecond() : options.maxRowsPerSecond();
        int rows = cap <= 0 ? sizer.next()
                : (int) Math.max(1, Math.min(sizer.next(), cap * options.chunkTarget().toMillis() / 1000));
        started = System.nanoTime();
        return throttler.bound(rows, lastRows, options.chunkTarget());
    }

    /** The chunk since {@link #next} took {@code rows}: returns how long it took, then sleeps what the cap asks. */
    public long done(long rows) {
        long took = System.nanoTime() - started;
        sizer.record(rows, took);
        lastRows = rows;
        if (cap > 0) {
            DoppelException.pause(Duration.ofNanos(rows * 1_000_000_000L / cap - took), "pacing " + rows + " rows");
        }
        return took;
    }
}
