package dev.doppel.engine.capture;

import java.sql.SQLException;

/**
 * Where the keys of rows written during the migration come from. Implementations record keys only; the re-sync
 * reads current rows from the source, so a change source never needs row images.
 */
public interface ChangeSource {

    /** Starts capturing; from the moment this returns, every committed write to the source is recorded. */
    void install() throws SQLException;
}
