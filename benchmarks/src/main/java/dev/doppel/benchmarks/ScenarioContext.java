package dev.doppel.benchmarks;

import javax.sql.DataSource;
import java.sql.Connection;

/**
 * What a scenario works with: the fixture just built in {@link #SCHEMA}, a connection whose search_path is that
 * schema, the change, and the timeline to mark its phases on.
 *
 * @param dataSource a data source without the schema on its search_path, as an operator's tool would connect
 * @param rows       rows in the table to change
 */
record ScenarioContext(Target target, DataSource dataSource, Connection connection, Fixture fixture, String change,
                       long rows, Timeline timeline) {

    /** Where every scenario builds its fixture, so nothing outside it is touched and cleanup is one DROP SCHEMA. */
    static final String SCHEMA = "doppel_bench";

    /** The table to change, schema-qualified. */
    String table() {
        return SCHEMA + "." + fixture.table();
    }
}
