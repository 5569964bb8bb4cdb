package dev.doppel.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code doppel} command: subcommands over the engine, no migration logic of its own. */
@Command(name = "doppel", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Online schema changes for PostgreSQL: a shadow table kept in sync, copied in throttled "
                + "keyset batches, verified, and swapped in under a short bounded lock.",
        subcommands = {PlanCommand.class, RunCommand.class, StatusCommand.class, ResumeCommand.class,
                AbortCommand.class, RevertCommand.class, CleanupCommand.class, DemoCommand.class, PauseCommand.class, UnpauseCommand.class,
                ThrottleCommand.class, CutoverCommand.class, AutoComplete.GenerateCompletion.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel demo            try it on an embedded PostgreSQL",
                "  doppel plan --help     connection flags as in psql (-h -p -d -U) or --url",
                "  doppel plan -d shop --table orders --alter 'ALTER COLUMN id TYPE bigint'",
                "  doppel run  -d shop --table orders --alter 'ALTER COLUMN id TYPE bigint'",
                "  doppel status -d shop      every migration; resume or abort a stopped one",
                "  doppel resume -d shop 42",
                "  doppel abort  -d shop 42",
                "  doppel cleanup -d shop     drop old tables whose --keep-old time is up"})
public final class DoppelCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "give a command: plan, run, status, pause, unpause, throttle, cutover, resume, abort, cleanup or demo");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DoppelCommand()).execute(args));
    }
}
