package dev.doppel.engine.apply;

/** Hears of each statement apply starts and finishes, for progress lines and migration-tool logs. */
public interface ApplyListener {

    ApplyListener NONE = new ApplyListener() {
    };

    /** A statement is about to run, {@code index} of {@code total} (skipped ones included). */
    default void starting(ApplyStep step, int index, int total) {
    }

    /** A statement finished and is recorded done. */
    default void done(ApplyStep step, long millis) {
    }

    /** A lock was not obtained or a transient error hit; apply waits and tries again. */
    default void retrying(ApplyStep step, int attempt, String why) {
    }
}
