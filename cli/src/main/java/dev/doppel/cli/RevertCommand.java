package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.Result;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code doppel revert}: the engine puts a migration's old table back; this prints what it did. */
@Command(name = "revert", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = {"Undo a migration that swapped: re-sync the kept old table with every write made to the new"
                + " one since the swap (logged from the swap on), then swap the old table back under a lock taken in"
                + " short attempts (--lock-timeout, --lock-attempts), as the first cut-over did. The new table is"
                + " kept in the doppel schema for --keep-old. Progress goes to stderr, the summary to stdout.",
                "%nErrors name a reason: migration_not_found (no migration with that id), not_revertable (the"
                        + " change has no inverse, the old table was dropped, or the migration did not succeed),"
                        + " revert_lossy (a row written since the swap holds a value the old column type cannot take"
                        + " back; the row's key is named), already_running (a doppel process holds the table),"
                        + " lock_timeout (the table stayed locked by others), stopped (try again)."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE, ExitCodes.STOPPED_LINE, ExitCodes.RUNNING_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel revert -h db.internal -d shop -U app 42",
                "  doppel revert -d shop 42 --lock-attempts 120 --keep-old 72h --json"})
final class RevertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<id>", description = "The migration's id, as `doppel status` lists it.")
    long id;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    LockOptions locks;

    @Option(names = "--keep-old", paramLabel = "<duration>", converter = Durations.class,
            description = "Keep the new table, taken out of place, this long (default: ${DEFAULT-VALUE}).")
    Duration keepOld;

    @Option(names = "--json", description = "Print the report, or the error, as one JSON object on stdout.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        Options options = locks.applyTo(Options.defaults()).withKeepOld(keepOld);
        PrintWriter err = spec.commandLine().getErr();
        return Reply.of(spec, json, () -> {
            try (Interrupts stop = Interrupts.install(err)) {
                Result r = Migrations.on(connection.dataSource()).options(options).listener(Progress.on(err))
                        .revert(id);
                return json ? Json.compact(RunReport.json(r)) + "\n" : text(r);
            }
        });
    }

    private static String text(Result r) {
        StringBuilder sb = new StringBuilder();
        RunReport.row(sb, "outcome", r.outcome() + " (migration " + r.migrationId() + " of " + r.table() + "): the"
                + " old table is back in place");
        RunReport.row(sb, "re-synced", String.format(Locale.ROOT, "%,d changes logged since the swap",
                r.changesReplayed()));
        for (Result.LockHeld lock : r.locks()) {
            RunReport.row(sb, "lock held", String.format(Locale.ROOT, "%s: %d ms (%d attempt%s)", lock.what(),
                    lock.millis(), lock.attempts(), lock.attempts() == 1 ? "" : "s"));
        }
        RunReport.row(sb, "new table", r.oldTable() + " kept; `doppel cleanup` drops it after "
                + r.dropAfter().truncatedTo(ChronoUnit.SECONDS));
        return sb.toString();
    }
}
