package dev.doppel.engine.capture;

import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.verify.QuietPoint;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Where the keys of rows written during the migration come from. Implementations record keys only, into the
 * migration's change log; the re-sync reads current rows from the source, so a change source never needs row
 * images. Everything that differs between trigger and logical capture is behind this interface, the words the user
 * reads included.
 */
public interface ChangeSource extends AutoCloseable {

    /** What {@link #install} does, as the progress line says it. */
    String installing();

    /** The lock {@link #install} takes on the source, as the report names it. */
    String installLock();

    /** What keeps the writes while a stopped migration waits for a resume, as the stop message says it. */
    String keepsChanges();

    /** Starts capturing; from the moment this returns, every committed write to the source will be recorded. */
    void install() throws SQLException;

    /** Begins (or, on a resume, goes on) moving captured keys into the change log. */
    void start() throws SQLException;

    /**
     * Waits until every write committed before this call has its key in the change log; false when that took
     * longer than {@code timeout}.
     */
    boolean catchUp(Duration timeout) throws SQLException;

    /**
     * Where verification may take its snapshot: any point when the log is current as writes commit, else a point
     * reached under a brief lock taken through {@code lock} (on its own session) and held at most {@code maxHeld}.
     */
    QuietPoint quietPoint(LockRetry lock, Duration maxHeld, LockRetry.Report report);

    /** Once the swap committed: what capture keeps on the server is no longer needed. */
    void afterSwap() throws SQLException;

    /** Stops moving keys; what was captured stays captured. */
    @Override
    void close();
}
