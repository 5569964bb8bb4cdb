package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import picocli.CommandLine.Command;

/** {@code doppel unpause}: lets a paused migration's copy go on. */
@Command(name = "unpause", versionProvider = VersionProvider.class,
        description = "Let a paused migration's copy go on.",
        footerHeading = "%nExamples:%n", footer = {"  doppel unpause -d shop 42"})
final class UnpauseCommand extends OperatorCommand {
    @Override
    String apply(Migrations migrations) {
        migrations.unpause(id);
        return "unpause";
    }
}
