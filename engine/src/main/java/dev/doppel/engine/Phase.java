package dev.doppel.engine;

/** The phases of a migration, in the order they run. */
public enum Phase {
    PREFLIGHT, SHADOW, CAPTURE, COPY, INDEX, REPLAY, VERIFY, CUTOVER, AFTER, DONE, FAILED
}
