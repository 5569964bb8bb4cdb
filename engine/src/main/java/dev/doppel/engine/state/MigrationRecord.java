package dev.doppel.engine.state;

import dev.doppel.engine.Phase;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code doppel.migrations}.
 *
 * @param checkpoint the last key the copy committed, or null before the first chunk
 * @param outcome    null while the migration is running or stopped (resumable); "succeeded", "failed", "aborted"
 * @param oldTable   set in the swap's own transaction: non-null means the swap committed
 */
public record MigrationRecord(long id, long tableOid, String tableName, String change, String changeHash,
                              String sourceFingerprint, Phase phase, List<String> checkpoint, long rowsCopied,
                              String outcome, String error, String oldTable, Instant dropAfter, Instant startedAt,
                              Instant updatedAt, int pid) {

    public boolean swapped() {
        return oldTable != null && !"aborted".equals(outcome);
    }

    public boolean finished() {
        return outcome != null;
    }
}
