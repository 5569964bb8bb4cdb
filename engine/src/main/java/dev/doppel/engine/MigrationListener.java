package dev.doppel.engine;

/** Receives what a migration is doing, for progress lines, logs and metrics. Called on the migration's thread. */
public interface MigrationListener {

    MigrationListener NONE = new MigrationListener() {
    };

    default void phase(Phase phase, String detail) {
    }

    /**
     * Copy progress.
     *
     * @param estimatedTotal the planner's row estimate; 0 when unknown
     */
    default void copied(long rows, long estimatedTotal, double rowsPerSecond) {
    }

    /**
     * The copy of a partitioned table moves on to one of its leaves: {@code number} of {@code count} in the copy's
     * order (a resumed copy skips the leaves it finished, so numbers may start past 1).
     */
    default void copyingPartition(String partition, int number, int count) {
    }

    /**
     * The copy is held, and why; called again while it stays held (the reason's numbers change).
     *
     * @param cause what holds it: a throttle measure's label ("replica-lag"), that label with "-unreadable",
     *              or "paused" (the operator)
     */
    default void throttled(String cause, String reason) {
    }

    /** The copy goes on after being held. */
    default void unthrottled() {
    }

    /** One copy chunk committed: its rows and how long it took. */
    default void chunk(long rows, long millis) {
    }

    /** The change log's backlog (entries not yet re-synced), read before each replay pass. */
    default void backlog(long entries) {
    }

    /** Entries of the change log re-synced into the shadow. */
    default void replayed(long entries) {
    }
}
