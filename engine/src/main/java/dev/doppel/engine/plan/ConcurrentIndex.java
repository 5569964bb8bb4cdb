package dev.doppel.engine.plan;

import java.util.List;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * A UNIQUE or PRIMARY KEY constraint added without blocking writers: its index is built with
 * {@code CREATE UNIQUE INDEX CONCURRENTLY} under a doppel name, then attached with {@code ADD CONSTRAINT ... USING
 * INDEX}, which renames the index to the constraint's name under a short lock and scans nothing.
 *
 * @param constraint     the constraint's name, as a blocking ALTER would give it
 * @param primaryKey     PRIMARY KEY rather than UNIQUE
 * @param buildName      the index's name while it is built (in the table's schema), so leftovers are recognisable
 * @param definitionTail what follows {@code ON <table>} in the index's definition ("USING btree (a, b) INCLUDE ...")
 * @param deferrable     the DEFERRABLE clause, or ""
 * @param columns        the key columns
 */
public record ConcurrentIndex(String constraint, boolean primaryKey, String buildName, String definitionTail,
                              String deferrable, List<String> columns) {

    public String build(String table) {
        return "CREATE UNIQUE INDEX CONCURRENTLY " + quote(buildName) + " ON " + table + " " + definitionTail;
    }

    public String attach(String table) {
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + quote(constraint) + (primaryKey ? " PRIMARY KEY" : " UNIQUE")
                + " USING INDEX " + quote(buildName) + deferrable;
    }
}
