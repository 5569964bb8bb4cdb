package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code doppel cleanup}: the engine's cleanup, one line per thing done or found. */
@Command(name = "cleanup", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = "Drop the old tables kept after a swap whose time is up (--keep-old), and remove what failed"
                + " or aborted migrations left behind. Stopped migrations are only reported, since they can still be"
                + " resumed, and running ones are left alone. Meant to run from cron.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel cleanup -h db.internal -d shop -U app",
                "  doppel cleanup -d shop --json | jq -r '.[]'"})
final class CleanupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    LockOptions locks;

    @Option(names = "--json", description = "Print the report as a JSON array of strings, or the error as an object,"
            + " on stdout.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        Options options = locks.applyTo(Options.defaults());
        return Reply.of(spec, json, () -> {
            List<String> report = Migrations.on(connection.dataSource()).options(options).cleanup();
            if (json) {
                return Json.compact(report) + "\n";
            }
            return report.isEmpty() ? "nothing to clean up\n" : String.join("\n", report) + "\n";
        });
    }
}
