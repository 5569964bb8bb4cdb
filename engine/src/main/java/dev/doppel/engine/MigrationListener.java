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
}
