package dev.doppel.cli;

import dev.doppel.engine.Options;
import dev.doppel.engine.Plan;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code doppel plan}: the engine's read-only plan, printed. */
@Command(name = "plan", versionProvider = VersionProvider.class, sortOptions = false,
        description = "Check a change without making it: runs every preflight check and shows how each column will"
                + " be filled, what is built after the copy, the disk space a rewrite needs against what is free,"
                + " the replicas and replication slots its WAL reaches, and warnings about the database's current"
                + " state. Changes nothing.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE, ExitCodes.REFUSED_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel plan -h db.internal -d shop -U app --table public.orders \\",
                "      --alter 'ALTER COLUMN total TYPE bigint USING (total*100)::bigint'",
                "  PGPASSWORD=... doppel plan --url jdbc:postgresql://db:5432/shop --table orders \\",
                "      --alter 'ADD COLUMN currency varchar(3) NOT NULL DEFAULT ''USD''' --json | jq .columns"})
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ChangeOptions change;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    SpaceOptions space;

    @Option(names = "--json", description = "Print the plan, or the error, as one JSON object on stdout.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        return Reply.of(spec, json, () -> {
            Plan plan = change.builder(connection.dataSource())
                    .options(space.applyTo(change.applyTo(Options.defaults()))).build().plan();
            return json ? Json.compact(PlanReport.json(plan)) + "\n" : plan.toText();
        });
    }
}
