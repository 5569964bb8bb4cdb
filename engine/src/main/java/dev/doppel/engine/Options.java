package dev.doppel.engine;

import java.time.Duration;

/**
 * How a migration behaves. Defaults protect a busy production table: short lock attempts, sub-second chunks,
 * verification on, the old table kept for a day.
 *
 * @param lockTimeout      how long one attempt to take a lock on the source may wait (queued writers wait too)
 * @param lockAttempts     attempts before giving up on a lock (trigger install, cut-over)
 * @param chunkTarget      the copy aims each chunk at this duration
 * @param maxRowsPerSecond copy rate cap; 0 for none
 * @param cutoverBacklog   the cut-over locks only when at most this many change-log entries are pending
 * @param maxLockHeld      the cut-over rolls back and retries rather than hold its lock longer than this
 * @param snapshotWait     how long the cut-over waits for older snapshots to end before swapping anyway
 * @param keepOld          how long the old table is kept after the swap; {@link Duration#ZERO} drops it at once
 * @param verify           compare source and shadow by digest before the swap
 */
public record Options(Duration lockTimeout, int lockAttempts, Duration chunkTarget, int initialChunkRows,
                      int maxChunkRows, long maxRowsPerSecond, long cutoverBacklog, Duration maxLockHeld,
                      Duration snapshotWait, Duration keepOld, boolean verify, String maintenanceWorkMem) {

    public static Options defaults() {
        return new Options(Duration.ofMillis(100), 60, Duration.ofMillis(300), 5_000, 500_000, 0, 500,
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofHours(24), true, "256MB");
    }

    public Options withLockTimeout(Duration d) {
        return new Options(d, lockAttempts, chunkTarget, initialChunkRows, maxChunkRows, maxRowsPerSecond,
                cutoverBacklog, maxLockHeld, snapshotWait, keepOld, verify, maintenanceWorkMem);
    }

    public Options withLockAttempts(int n) {
        return new Options(lockTimeout, n, chunkTarget, initialChunkRows, maxChunkRows, maxRowsPerSecond,
                cutoverBacklog, maxLockHeld, snapshotWait, keepOld, verify, maintenanceWorkMem);
    }

    public Options withChunk(Duration target, int initialRows, int maxRows) {
        return new Options(lockTimeout, lockAttempts, target, initialRows, maxRows, maxRowsPerSecond,
                cutoverBacklog, maxLockHeld, snapshotWait, keepOld, verify, maintenanceWorkMem);
    }

    public Options withMaxRowsPerSecond(long n) {
        return new Options(lockTimeout, lockAttempts, chunkTarget, initialChunkRows, maxChunkRows, n,
                cutoverBacklog, maxLockHeld, snapshotWait, keepOld, verify, maintenanceWorkMem);
    }

    public Options withKeepOld(Duration d) {
        return new Options(lockTimeout, lockAttempts, chunkTarget, initialChunkRows, maxChunkRows, maxRowsPerSecond,
                cutoverBacklog, maxLockHeld, snapshotWait, d, verify, maintenanceWorkMem);
    }

    public Options withVerify(boolean v) {
        return new Options(lockTimeout, lockAttempts, chunkTarget, initialChunkRows, maxChunkRows, maxRowsPerSecond,
                cutoverBacklog, maxLockHeld, snapshotWait, keepOld, v, maintenanceWorkMem);
    }

    public Options withSnapshotWait(Duration d) {
        return new Options(lockTimeout, lockAttempts, chunkTarget, initialChunkRows, maxChunkRows, maxRowsPerSecond,
                cutoverBacklog, maxLockHeld, d, keepOld, verify, maintenanceWorkMem);
    }
}
