package dev.doppel.engine.verify;

import java.sql.SQLException;

/**
 * Where verification takes its snapshot: at a point where the change log holds the key of every write the snapshot
 * sees, so that leaving out keys with pending entries leaves out every row that may still differ. With triggers
 * every point is one (a write and its key commit together); a capture that lags must hold writers briefly.
 */
@FunctionalInterface
public interface QuietPoint {

    /** Takes the verification's snapshot (its transaction's first statement). */
    @FunctionalInterface
    interface SnapshotStart {
        void run() throws SQLException;
    }

    /** Runs {@code start} at a quiet point. */
    void hold(SnapshotStart start) throws SQLException;

    /** For a capture whose log is always current. */
    QuietPoint ANY = SnapshotStart::run;
}
