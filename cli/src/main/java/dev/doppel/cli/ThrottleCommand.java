package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.throttle.Measure;
import dev.doppel.engine.throttle.Threshold;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code doppel throttle}: changes a running migration's copy-rate cap and throttle limits. */
@Command(name = "throttle", versionProvider = VersionProvider.class,
        description = "Change a running migration's copy-rate cap (0: no cap; --reset: the rate it started with)"
                + " and its throttle limits (--limit NAME=MAX[:CRITICAL], MAX 0 lifts one; --reset-limit NAME: the"
                + " limit it started with), from its next chunk on.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE},
        footerHeading = "%nExamples:%n", footer = {"  doppel throttle -d shop 42 --max-rows-per-second 20000",
                "  doppel throttle -d shop 42 --limit replica-lag=2s:30s --limit wal-rate=0",
                "  doppel throttle -d shop 42 --reset --reset-limit replica-lag"})
final class ThrottleCommand extends OperatorCommand {

    @Option(names = "--max-rows-per-second", paramLabel = "<n>", description = "The new cap; 0 for none.")
    Long maxRowsPerSecond;

    @Option(names = "--reset", description = "Back to the rate the migration started with.")
    boolean reset;

    @Option(names = "--limit", paramLabel = "<name=max[:critical]>", description = "A new limit, as for `run"
            + " --limit`; MAX 0 lifts it. Repeatable.")
    List<String> limits = new ArrayList<>();

    @Option(names = "--reset-limit", paramLabel = "<name>", description = "Back to the limit the migration started"
            + " with. Repeatable.")
    List<String> resetLimits = new ArrayList<>();

    @Override
    String apply(Migrations migrations) {
        boolean rate = reset || maxRowsPerSecond != null;
        if (reset && maxRowsPerSecond != null || maxRowsPerSecond != null && maxRowsPerSecond < 0
                || !rate && limits.isEmpty() && resetLimits.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give --max-rows-per-second N (N >= 0) or --reset,"
                    + " and/or --limit NAME=MAX[:CRITICAL] or --reset-limit NAME");
        }
        List<Map.Entry<Measure, Threshold>> parsed = new ArrayList<>();
        for (String limit : limits) {
            parsed.add(ThrottleOptions.parse(spec, limit));
        }
        List<Measure> resets = new ArrayList<>();
        for (String name : resetLimits) {
            try {
                resets.add(Measure.of(name));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--reset-limit " + name + ": " + e.getMessage());
            }
        }
        List<String> asked = new ArrayList<>();
        if (rate) {
            migrations.throttle(id, reset ? null : maxRowsPerSecond);
            asked.add(reset ? "copy rate back to the one it started with" : "copy rate at most " + maxRowsPerSecond
                    + " rows/s");
        }
        for (Map.Entry<Measure, Threshold> e : parsed) {
            migrations.limit(id, e.getKey(), e.getValue());
            asked.add(e.getValue().off() ? e.getKey().label() + " limit lifted"
                    : "limit " + e.getKey().label() + "=" + e.getValue());
        }
        for (Measure m : resets) {
            migrations.limit(id, m, null);
            asked.add(m.label() + " limit back to the one it started with");
        }
        return String.join(", ", asked);
    }
}
