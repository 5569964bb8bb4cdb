package dev.doppel.cli;

import dev.doppel.engine.MigrationStatus;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code doppel status}: the migrations the engine has recorded, and which of them a doppel process holds now. */
@Command(name = "status", versionProvider = VersionProvider.class, sortOptions = false,
        description = {"Show the migrations recorded in the database, newest first, or one of them in detail. One"
                + " without an outcome is running while a doppel process holds its table, and stopped otherwise:"
                + " `doppel resume` goes on with it, `doppel abort` removes what it created. Every doppel"
                + " replication slot on the server is listed with the WAL it keeps. Changes nothing.",
                "%nErrors name a reason: migration_not_found (no migration with that id)."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel status -h db.internal -d shop -U app",
                "  doppel status -d shop 42",
                "  doppel status -d shop --json | jq '.[] | select(.state == \"stopped\") | .id'"})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "<id>", description = "A migration's id; without it, every migration.")
    Long id;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print a JSON array of migrations, or the one migration as an object,"
            + " or the error as an object, on stdout.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        return Reply.of(spec, json, () -> {
            Migrations migrations = Migrations.on(connection.dataSource());
            if (id == null) {
                List<MigrationStatus> all = migrations.statuses();
                return json ? Json.compact(all.stream().map(StatusReport::json).toList()) + "\n"
                        : StatusReport.table(all) + StatusReport.slots(migrations.slots());
            }
            MigrationStatus one = migrations.status(id);
            return json ? Json.compact(StatusReport.json(one)) + "\n" : StatusReport.detail(one);
        });
    }
}
