package dev.doppel.engine;

/** The phases of a migration, in the order they run; REVERT and REVERTED come only with a revert after DONE. */
public enum Phase {
    PREFLIGHT, SHADOW, CAPTURE, COPY, INDEX, REPLAY, VERIFY, CUTOVER, AFTER, DONE, FAILED, REVERT, REVERTED,
    /** The batches of a data job ({@code dev.doppel.engine.batch}); a job runs PREFLIGHT, BATCHES, DONE. */
    BATCHES
}
