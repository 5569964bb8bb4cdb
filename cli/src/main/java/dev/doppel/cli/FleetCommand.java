package dev.doppel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code doppel fleet}: one change across many databases; the subcommands do the work. */
@Command(name = "fleet", versionProvider = VersionProvider.class,
        description = {"One change across many databases (shards, tenants, regions): the same --table and --alter on"
                + " every target of --targets, in waves (a canary first), with a fleet-wide cap on targets copying"
                + " at once and an optional coordinated cut-over. The fleet keeps no state of its own: each target's"
                + " doppel schema holds its migration, so running the same command again resumes every target, and"
                + " `fleet status` reads the targets themselves (also when one scheduler job per target runs"
                + " `doppel run`)."},
        subcommands = {FleetPlanCommand.class, FleetRunCommand.class, FleetStatusCommand.class,
                FleetCutoverCommand.class, FleetAbortCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel fleet plan   --targets shards.txt --table orders --alter 'ALTER COLUMN id TYPE bigint'",
                "  doppel fleet run    --targets shards.txt --table orders --alter 'ALTER COLUMN id TYPE bigint' \\",
                "      --canary 1 --wave-size 10 --max-in-flight 4 --wave-pause 10m",
                "  doppel fleet status --targets shards.txt --table orders --alter 'ALTER COLUMN id TYPE bigint'"})
final class FleetCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "give a fleet command: plan, run (or resume), status,"
                + " cutover or abort");
    }
}
