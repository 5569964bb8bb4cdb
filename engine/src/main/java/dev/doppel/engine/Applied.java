package dev.doppel.engine;

/**
 * What {@link OnlineSchemaChange#apply()} did with a change: started it, resumed an unfinished run of the same
 * change, or found it already done.
 *
 * @param migrationId the migration that ran, was resumed, or made the change earlier
 * @param result      what the run or resume did; null when the change was already done
 */
public record Applied(How how, long migrationId, String table, String change, Result result) {

    /** Which of the three it was. */
    public enum How {
        /** No unfinished or matching succeeded migration of this change: a new migration ran. */
        STARTED,
        /** An unfinished migration of the same table and change existed and was resumed. */
        RESUMED,
        /** The newest migration of this change succeeded and the table still has the definition it left. */
        ALREADY_DONE
    }
}
