package dev.doppel.engine.throttle;

import java.sql.SQLException;

/** A source of one {@link Measure}, read before each copy chunk. */
public interface Signal extends AutoCloseable {

    Measure measure();

    /**
     * The current value, the worst where there are several (standbys, slots). A failure to read that the signal
     * can name (a replica down, a probe failing) comes back as {@link Reading#unreadable}; an SQLException means
     * doppel's own session failed.
     */
    Reading read() throws SQLException;

    /** Releases connections of its own (to replicas). */
    @Override
    default void close() {
    }
}
