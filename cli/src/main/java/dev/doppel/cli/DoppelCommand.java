package dev.doppel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code doppel} command: subcommands over the engine, no migration logic of its own. */
@Command(name = "doppel", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Online schema changes for PostgreSQL: a shadow table kept in sync, copied in throttled "
                + "keyset batches, verified, and swapped in under a short bounded lock.",
        subcommands = {DemoCommand.class, CommandLine.HelpCommand.class})
public final class DoppelCommand {

    public static void main(String[] args) {
        System.exit(new CommandLine(new DoppelCommand()).execute(args));
    }
}
