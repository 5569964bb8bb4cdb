package dev.doppel.engine.copy;

import java.time.Duration;

/**
 * Sizes copy chunks toward a target duration: grows at most 2x per chunk toward the rate measured so far, and
 * halves at once when a chunk overshoots the target by 2x (a lock wait, a checkpoint, a busy disk).
 */
public final class ChunkSizer {

    private static final int MIN_ROWS = 100;

    private final long targetNanos;
    private final int maxRows;
    private int next;

    public ChunkSizer(Duration target, int initialRows, int maxRows) {
        this.targetNanos = target.toNanos();
        this.maxRows = maxRows;
        this.next = Math.max(MIN_ROWS, Math.min(initialRows, maxRows));
    }

    public int next() {
        return next;
    }

    public void record(long rows, long elapsedNanos) {
        if (rows <= 0 || elapsedNanos <= 0) {
            return;
        }
        if (elapsedNanos > 2 * targetNanos) {
            next = Math.max(MIN_ROWS, next / 2);
            return;
        }
        long ideal = rows * targetNanos / elapsedNanos;
        next = (int) Math.max(MIN_ROWS, Math.min(maxRows, Math.min(ideal, 2L * next)));
    }
}
