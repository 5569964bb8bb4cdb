package dev.doppel.engine.fleet;

import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.state.MigrationStore;

import java.util.Objects;

/**
 * The one change a fleet makes on every target: the table as SQL names it, the ALTER TABLE subcommands (a repack's
 * text for a repack), and the options every target runs with.
 */
public record FleetChange(String table, String alter, Options options) {

    public FleetChange {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(alter, "alter");
        Objects.requireNonNull(options, "options");
    }

    /** The change as recorded in each target's {@code doppel.migrations}. */
    public String text() {
        return AlterParser.parse(alter).text();
    }

    /** The hash each target's migration records with it (the same hash a single `doppel run` records). */
    String hash() {
        return MigrationStore.changeHash(text());
    }

    public FleetChange withOptions(Options o) {
        return new FleetChange(table, alter, o);
    }

    OnlineSchemaChange.Builder builder(Target target) {
        return OnlineSchemaChange.builder().dataSource(target.dataSource()).table(table).alter(alter).options(options);
    }
}
