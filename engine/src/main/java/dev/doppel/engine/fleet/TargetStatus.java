package dev.doppel.engine.fleet;

import dev.doppel.engine.Phase;

/**
 * One target's progress with the fleet's change, read from the target itself.
 *
 * @param state         unreachable, missing_table, not_started, running, ready (waiting to cut over), stopped,
 *                      succeeded, failed or aborted
 * @param phase         the migration's phase; null when there is no migration of this change
 * @param estimatedRows the table's estimated rows, the weight of this target in the fleet's progress
 * @param etaSeconds    until the copy ends, at the current rate; null when not copying or unknown
 * @param note          the throttle's reason while the copy is held, or the error of a stopped or failed one
 */
public record TargetStatus(Target target, String state, Phase phase, long migrationId, long rowsCopied,
                           long estimatedRows, long rowsPerSecond, Long etaSeconds, String note) {

    /** How far the copy is, 0 to 1: finished and copied-out phases count as 1, a target not started as 0. */
    public double copyFraction() {
        if ("succeeded".equals(state) || phase != null && phase.compareTo(Phase.COPY) > 0
                && phase.compareTo(Phase.DONE) <= 0) {
            return 1;
        }
        if (phase != Phase.COPY || estimatedRows <= 0) {
            return 0;
        }
        return Math.min(1, (double) rowsCopied / estimatedRows);
    }

    /** Copying now (or replaying, verifying) in a live process. */
    public boolean active() {
        return "running".equals(state) || "ready".equals(state);
    }
}
