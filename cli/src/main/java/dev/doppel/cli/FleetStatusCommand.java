package dev.doppel.cli;

import dev.doppel.engine.fleet.FleetStatus;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code doppel fleet status}: the change's progress on every target, read from the targets themselves. */
@Command(name = "status", versionProvider = VersionProvider.class, sortOptions = false,
        description = {"Show the change's state on every target (not_started, running, ready, stopped, succeeded,"
                + " failed, aborted, unreachable, missing_table), its phase, rows copied, copy rate, ETA and error,"
                + " and the fleet's overall copy progress. Read from each target's own doppel schema, so it sees"
                + " runs of `doppel fleet run` and of scheduler jobs running `doppel run` alike. Changes nothing."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:read (whatever the targets' states)", ExitCodes.USAGE_LINE})
final class FleetStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ChangeOptions change;

    @Mixin
    TargetOptions targets;

    @Option(names = "--parallel", paramLabel = "<n>", defaultValue = "8", description = "Targets read at once."
            + " Default: 8.")
    int parallel;

    @Option(names = "--json", description = "Print the fleet's status as one JSON object on stdout.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        return Reply.of(spec, json, () -> {
            FleetStatus status = FleetStatus.read(targets.targets(), FleetText.change(change), parallel);
            return json ? Json.compact(FleetText.json(status)) + "\n" : FleetText.status(status);
        });
    }
}
