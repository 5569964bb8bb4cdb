package dev.doppel.engine.batch;

/**
 * What a data job did.
 *
 * @param how          started now, resumed from its checkpoint, found already done, or aborted
 * @param outcome      "succeeded" or "aborted"
 * @param rowsChanged  rows updated, deleted or moved in all runs of the job; {@code rowsBefore} of them by earlier
 *                     runs
 * @param rowsExamined keys the batches passed (matching or not)
 * @param vacuums      VACUUMs run by this run ({@code --vacuum N})
 * @param millis       this run's time
 */
public record JobResult(long jobId, String table, String job, How how, String outcome, long rowsChanged,
                        long rowsBefore, long rowsExamined, long batches, long vacuums, long millis) {

    /** How this call found the job. */
    public enum How {
        STARTED, RESUMED, ALREADY_DONE, ABORTED
    }
}
