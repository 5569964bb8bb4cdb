package dev.doppel.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code doppel} command: subcommands over the engine, no migration logic of its own. */
@Command(name = "doppel", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Online schema changes for PostgreSQL: a shadow table kept in sync, copied in throttled "
                + "keyset batches, verified, and swapped in under a short bounded lock.",
        subcommands = {PlanCommand.class, RunCommand.class, LintCommand.class, ApplyCommand.class, StatusCommand.class, ResumeCommand.class,
                AbortCommand.class, RevertCommand.class, CleanupCommand.class, DemoCommand.class, PauseCommand.class, UnpauseCommand.class,
                ThrottleCommand.class, CutoverCommand.class, FleetCommand.class, UpdateCommand.class,
                DeleteCommand.class, MoveCommand.class, AutoComplete.GenerateCompletion.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE, ExitCodes.MISMATCH_LINE, ExitCodes.STOPPED_LINE,
                ExitCodes.RUNNING_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel demo            try it on an embedded PostgreSQL",
                "  doppel plan --help     connection flags as in psql (-h -p -d -U) or --url",
                "  doppel plan -d shop --table orders --alter 'ALTER COLUMN id TYPE bigint'",
                "  doppel run  -d shop --table orders --alter 'ALTER COLUMN id TYPE bigint'",
                "  doppel lint db/migration/*.sql      locks, rewrites and safer forms; offline",
                "  doppel apply -d shop V7__orders.sql  run a migration file with each statement made online",
                "  doppel status -d shop      every migration; resume or abort a stopped one",
                "  doppel resume -d shop 42",
                "  doppel abort  -d shop 42",
                "  doppel cleanup -d shop     drop old tables whose --keep-old time is up",
                "  doppel update -d shop --table posts --set 'slug = lower(title)' --where 'slug IS NULL'",
                "  doppel delete -d shop --table events --where \"at < now() - interval '90 days'\" --vacuum 100"})
public final class DoppelCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** Set while the arguments are parsed, so it is in force before the command runs and logs anything. */
    @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "text|json", defaultValue = "text",
            description = "How stderr is written: text, or json (one JSON object per line: engine log events,"
                    + " progress, warnings and errors). The --json report on stdout is unaffected.")
    void logFormat(String format) {
        LogFormat chosen = switch (format) {
            case "text" -> LogFormat.TEXT;
            case "json" -> LogFormat.JSON;
            default -> throw new ParameterException(spec.commandLine(), "--log-format is text or json, not '"
                    + format + "'");
        };
        chosen.install();
        if (chosen == LogFormat.JSON) {
            spec.root().commandLine().setErr(LogFormat.loggingWriter());
        }
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "give a command: plan, run, lint, apply, status, pause, unpause, throttle, cutover, resume, abort,"
                + " cleanup, fleet, update, delete, move or demo");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DoppelCommand()).execute(args));
    }
}
