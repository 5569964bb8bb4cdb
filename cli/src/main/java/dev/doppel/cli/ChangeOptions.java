package dev.doppel.cli;

import dev.doppel.engine.OnlineSchemaChange;
import picocli.CommandLine.Option;

import javax.sql.DataSource;

/** The table to change and the change, shared by plan and run. */
final class ChangeOptions {

    @Option(names = "--table", required = true, paramLabel = "<table>",
            description = "The table as SQL names it: orders, public.orders, '\"Order Items\"'.")
    String table;

    @Option(names = "--alter", required = true, paramLabel = "<subcommands>",
            description = "The ALTER TABLE subcommands, comma-separated, e.g. 'ALTER COLUMN id TYPE bigint'.")
    String alter;

    OnlineSchemaChange.Builder builder(DataSource dataSource) {
        return OnlineSchemaChange.builder().dataSource(dataSource).table(table).alter(alter);
    }
}
