package dev.doppel.engine;

import java.util.Locale;

/**
 * How a migration ended, as recorded in {@code doppel.migrations.outcome} and reported; a migration without one is
 * running, or stopped and resumable.
 */
public enum Outcome {
    SUCCEEDED(Phase.DONE),
    FAILED(Phase.FAILED),
    ABORTED(Phase.FAILED),
    REVERTED(Phase.REVERTED);

    private final Phase phase;

    Outcome(Phase phase) {
        this.phase = phase;
    }

    /** The recorded word ("succeeded"), as scripts read it in the JSON reports. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The phase a migration with this outcome is recorded in. */
    public Phase phase() {
        return phase;
    }

    /** The outcome a stored word names; null for none. */
    public static Outcome of(String word) {
        return word == null ? null : valueOf(word.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return word();
    }
}
