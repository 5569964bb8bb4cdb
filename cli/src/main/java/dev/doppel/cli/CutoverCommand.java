package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import picocli.CommandLine.Command;

/** {@code doppel cutover}: releases a migration waiting at "ready" to swap. */
@Command(name = "cutover", versionProvider = VersionProvider.class,
        description = "Release a migration that was run with --postpone-cutover and waits at \"ready\": it swaps"
                + " within a second, under its usual bounded lock.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE},
        footerHeading = "%nExamples:%n", footer = {"  doppel cutover -d shop 42"})
final class CutoverCommand extends OperatorCommand {
    @Override
    String apply(Migrations migrations) {
        migrations.cutover(id);
        return "cut-over released";
    }
}
