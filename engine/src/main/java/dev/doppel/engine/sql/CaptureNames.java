package dev.doppel.engine.sql;

import java.util.List;

/**
 * The objects of one trigger capture: the log table, the trigger function (both qualified) and the row and
 * TRUNCATE trigger names. A migration has two: the forward one on the source, and the revert one on the new table.
 */
public record CaptureNames(String log, String function, String rowTrigger, String truncateTrigger) {

    public List<String> triggers() {
        return List.of(rowTrigger, truncateTrigger);
    }
}
