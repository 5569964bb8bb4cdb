package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import picocli.CommandLine.Command;

/** {@code doppel pause}: holds a running migration's copy at its next chunk. */
@Command(name = "pause", versionProvider = VersionProvider.class,
        description = "Hold a running migration's copy at its next chunk; change capture goes on. `doppel unpause`"
                + " lets it continue.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE},
        footerHeading = "%nExamples:%n", footer = {"  doppel pause -d shop 42"})
final class PauseCommand extends OperatorCommand {
    @Override
    String apply(Migrations migrations) {
        migrations.pause(id);
        return "pause";
    }
}
