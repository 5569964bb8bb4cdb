package dev.doppel.engine.capture;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Where the keys of rows written during the migration come from. Implementations record keys only, into the
 * migration's change log; the re-sync reads current rows from the source, so a change source never needs row
 * images.
 */
public interface ChangeSource extends AutoCloseable {

    /** Starts capturing; from the moment this returns, every committed write to the source will be recorded. */
    void install() throws SQLException;

    /** Begins (or, on a resume, goes on) moving captured keys into the change log. */
    void start() throws SQLException;

    /**
     * Waits until every write committed before this call has its key in the change log; false when that took
     * longer than {@code timeout}.
     */
    boolean catchUp(Duration timeout) throws SQLException;

    /** Stops moving keys; what was captured stays captured. */
    @Override
    void close();
}
