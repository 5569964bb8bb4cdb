package dev.doppel.engine;

import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.throttle.ThrottleSettings;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How a migration behaves. Defaults protect a busy production table: short lock attempts, sub-second chunks,
 * verification on, the old table kept for a day, and no rewrite when PostgreSQL can make the change in place.
 *
 * @param lockTimeout      how long one attempt to take a lock on the source may wait (queued writers wait too)
 * @param lockAttempts     attempts before giving up on a lock (trigger install, cut-over, in-place change)
 * @param chunkTarget      the copy aims each chunk at this duration
 * @param maxRowsPerSecond copy rate cap; 0 for none
 * @param cutoverBacklog   the cut-over locks only when at most this many change-log entries are pending
 * @param maxLockHeld      the cut-over rolls back and retries rather than hold its lock longer than this
 * @param snapshotWait     how long the cut-over waits for older snapshots to end before swapping anyway
 * @param keepOld          how long the old table is kept after the swap; {@link Duration#ZERO} drops it at once
 * @param verify           compare source and shadow by digest before the swap
 * @param rewrite          whether to rewrite through a shadow table: when needed, always, or never
 * @param postponeCutover  wait at "ready" (replay going on) until `doppel cutover ID` releases the swap
 * @param cutoverWindow    cut over only within these daily hours (null: any time), unless released by request
 * @param revertUsing      the inverse for a revert, {@code col=expr, ...} over the new table's columns, for old
 *                         columns doppel cannot invert itself (null: derive every column)
 * @param minFreeBytes     a rewrite is refused when it would leave less free on a file system it writes to
 * @param capture          how writes made during the migration are captured: triggers, or logical decoding
 * @param throttle         limits on WAL rate, replica and slot lag, table load and a probe; the replay's own cap
 */
public record Options(Duration lockTimeout, int lockAttempts, Duration chunkTarget, int initialChunkRows,
                      int maxChunkRows, long maxRowsPerSecond, long cutoverBacklog, Duration maxLockHeld,
                      Duration snapshotWait, Duration keepOld, boolean verify, String maintenanceWorkMem,
                      Rewrite rewrite, boolean postponeCutover, CutoverWindow cutoverWindow, String revertUsing,
                      long minFreeBytes, Capture capture, ThrottleSettings throttle) {

    /** How the keys of rows written during the migration reach the change log. */
    public enum Capture {
        /** Triggers on the source log keys in the writer's own transaction. */
        TRIGGER,
        /** A logical replication slot (pgoutput) streams the writes; no trigger on the application's path. */
        LOGICAL
    }

    /** When to rewrite the table through a shadow. */
    public enum Rewrite {
        /** Only when PostgreSQL cannot make the change in place without rewriting or scanning under its lock. */
        WHEN_NEEDED,
        /** Always, even for a change PostgreSQL could make in place (to remove bloat along the way, say). */
        ALWAYS,
        /** Never: refuse in plan a change that would need one. */
        NEVER
    }

    public static Options defaults() {
        return new Options(Duration.ofMillis(100), 60, Duration.ofMillis(300), 5_000, 500_000, 0, 500,
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofHours(24), true, "256MB",
                Rewrite.WHEN_NEEDED, false, null, null, 1L << 30, Capture.TRIGGER, ThrottleSettings.none());
    }

    /** The fields, mutable, for the withers below: each changes one thing and keeps the rest. */
    private static final class Fields {
        Duration lockTimeout;
        int lockAttempts;
        Duration chunkTarget;
        int initialChunkRows;
        int maxChunkRows;
        long maxRowsPerSecond;
        long cutoverBacklog;
        Duration maxLockHeld;
        Duration snapshotWait;
        Duration keepOld;
        boolean verify;
        String maintenanceWorkMem;
        Rewrite rewrite;
        boolean postponeCutover;
        CutoverWindow cutoverWindow;
        String revertUsing;
        long minFreeBytes;
        Capture capture;
        ThrottleSettings throttle;
    }

    private Options with(Consumer<Fields> change) {
        Fields f = new Fields();
        f.lockTimeout = lockTimeout;
        f.lockAttempts = lockAttempts;
        f.chunkTarget = chunkTarget;
        f.initialChunkRows = initialChunkRows;
        f.maxChunkRows = maxChunkRows;
        f.maxRowsPerSecond = maxRowsPerSecond;
        f.cutoverBacklog = cutoverBacklog;
        f.maxLockHeld = maxLockHeld;
        f.snapshotWait = snapshotWait;
        f.keepOld = keepOld;
        f.verify = verify;
        f.maintenanceWorkMem = maintenanceWorkMem;
        f.rewrite = rewrite;
        f.postponeCutover = postponeCutover;
        f.cutoverWindow = cutoverWindow;
        f.revertUsing = revertUsing;
        f.minFreeBytes = minFreeBytes;
        f.capture = capture;
        f.throttle = throttle;
        change.accept(f);
        return new Options(f.lockTimeout, f.lockAttempts, f.chunkTarget, f.initialChunkRows, f.maxChunkRows,
                f.maxRowsPerSecond, f.cutoverBacklog, f.maxLockHeld, f.snapshotWait, f.keepOld, f.verify,
                f.maintenanceWorkMem, f.rewrite, f.postponeCutover, f.cutoverWindow, f.revertUsing, f.minFreeBytes,
                f.capture, f.throttle);
    }

    public Options withLockTimeout(Duration d) {
        return with(f -> f.lockTimeout = d);
    }

    public Options withLockAttempts(int n) {
        return with(f -> f.lockAttempts = n);
    }

    public Options withChunk(Duration target, int initialRows, int maxRows) {
        return with(f -> {
            f.chunkTarget = target;
            f.initialChunkRows = initialRows;
            f.maxChunkRows = maxRows;
        });
    }

    public Options withMaxRowsPerSecond(long n) {
        return with(f -> f.maxRowsPerSecond = n);
    }

    public Options withKeepOld(Duration d) {
        return with(f -> f.keepOld = d);
    }

    public Options withVerify(boolean v) {
        return with(f -> f.verify = v);
    }

    public Options withSnapshotWait(Duration d) {
        return with(f -> f.snapshotWait = d);
    }

    public Options withRewrite(Rewrite r) {
        return with(f -> f.rewrite = r);
    }

    public Options withPostponedCutover(boolean postponed) {
        return with(f -> f.postponeCutover = postponed);
    }

    public Options withCutoverWindow(CutoverWindow window) {
        return with(f -> f.cutoverWindow = window);
    }

    public Options withRevertUsing(String inverse) {
        return with(f -> f.revertUsing = inverse);
    }

    public Options withMinFreeBytes(long bytes) {
        return with(f -> f.minFreeBytes = bytes);
    }

    public Options withCapture(Capture c) {
        return with(f -> f.capture = c);
    }

    public Options withThrottle(ThrottleSettings t) {
        return with(f -> f.throttle = t);
    }

    /** Short attempts at a lock on the source through {@code s}, bounded as these options say. */
    public LockRetry lockRetry(Session s) {
        return new LockRetry(s, lockTimeout, lockAttempts, maxLockHeld);
    }
}
