package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import picocli.CommandLine.Command;

/** {@code doppel unpause}: lets a paused migration's copy go on. */
@Command(name = "unpause", versionProvider = VersionProvider.class,
        description = "Let a paused migration's copy go on.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE},
        footerHeading = "%nExamples:%n", footer = {"  doppel unpause -d shop 42"})
final class UnpauseCommand extends OperatorCommand {
    @Override
    String apply(Migrations migrations) {
        migrations.unpause(id);
        return "unpause";
    }
}
