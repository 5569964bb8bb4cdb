package dev.doppel.engine.state;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.Phase;
import dev.doppel.engine.throttle.ThrottleSettings;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code doppel.migrations}.
 *
 * @param tableName  the table as people read it (public.orders); {@code tableSql} is the same, quoted for SQL
 * @param checkpoint the last key the copy committed, or null before the first chunk
 * @param outcome    null while the migration is running or stopped (resumable); otherwise how it ended
 * @param oldTable   set in the swap's own transaction: non-null means the swap committed
 * @param control    the operator's live settings; {@code controlSeenAt} when the running process last read them
 * @param copyRate   the copy's rate so far, rows/s; with {@code estimatedRows} it gives the copy's ETA
 * @param revertUsing   the user's inverse for a revert, or null
 * @param revertRefusal set at the swap when the change cannot be reverted: why; null when it can (or before the swap)
 * @param capture    "trigger" or "logical"; {@code slot} is the replication slot of logical capture, else null
 * @param throttleReason why the copy is held now (null: it is not), since {@code throttledSince}
 * @param throttle   the throttle it was started (or last resumed) with, replica URLs without passwords; the replay
 *                   cap is not recorded
 */
public record MigrationRecord(long id, long tableOid, String tableName, String tableSql, String change, String changeHash,
                              String sourceFingerprint, Phase phase, List<String> checkpoint, long rowsCopied,
                              Outcome outcome, String error, String oldTable, Instant dropAfter, Instant startedAt,
                              Instant updatedAt, int pid, OperatorRequests.Settings control, Instant controlSeenAt,
                              long estimatedRows, long copyRate, String revertUsing, String revertRefusal,
                              String capture, String slot, String throttleReason, Instant throttledSince,
                              ThrottleSettings throttle) {

    /** True once the swap committed: the old table was recorded with it, and may since have been dropped. */
    public boolean swapped() {
        return outcome == Outcome.SUCCEEDED || oldTable != null && outcome != Outcome.ABORTED;
    }

    /** Whether a revert can put the old table back now: swapped, succeeded, old table kept, an inverse exists. */
    public boolean revertable() {
        return outcome == Outcome.SUCCEEDED && oldTable != null && revertRefusal == null;
    }

    public boolean finished() {
        return outcome != null;
    }
}
