package dev.doppel.engine.capture;

import java.sql.SQLException;

/**
 * Where the keys of rows written during the migration come from. Implementations record keys only; the re-sync
 * reads current rows from the source, so a change source never needs row images.
 */
public interface ChangeSource {

    /** Starts capturing; from the moment this returns, every committed write to the source is recorded. */
    void install() throws SQLException;

    /** Stops capturing and removes what {@link #install()} created, from whichever table carries it now. */
    void remove(String table) throws SQLException;

    /** Entries recorded and not yet re-synced. */
    long backlog() throws SQLException;
}
