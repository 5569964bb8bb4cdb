package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code doppel throttle}: changes a running migration's copy-rate cap. */
@Command(name = "throttle", versionProvider = VersionProvider.class,
        description = "Cap a running migration's copy rate from its next chunk on (0: no cap), or return it to the"
                + " rate it started with (--reset).",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE},
        footerHeading = "%nExamples:%n", footer = {"  doppel throttle -d shop 42 --max-rows-per-second 20000",
                "  doppel throttle -d shop 42 --reset"})
final class ThrottleCommand extends OperatorCommand {

    @Option(names = "--max-rows-per-second", paramLabel = "<n>", description = "The new cap; 0 for none.")
    Long maxRowsPerSecond;

    @Option(names = "--reset", description = "Back to the rate the migration started with.")
    boolean reset;

    @Override
    String apply(Migrations migrations) {
        if (reset == (maxRowsPerSecond != null) || maxRowsPerSecond != null && maxRowsPerSecond < 0) {
            throw new ParameterException(spec.commandLine(),
                    "give either --max-rows-per-second N (N >= 0) or --reset");
        }
        migrations.throttle(id, reset ? null : maxRowsPerSecond);
        return reset ? "copy rate back to the one it started with" : "copy rate at most " + maxRowsPerSecond
                + " rows/s";
    }
}
