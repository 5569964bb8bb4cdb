package dev.doppel.cli;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.Options;
import dev.doppel.engine.fleet.FleetControl;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code doppel fleet abort}: aborts the change's unfinished migration on every target. */
@Command(name = "abort", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = {"Abort the change's unfinished migration on every target: each removes what it created and"
                + " leaves its table as it was. Targets that swapped already are listed (`doppel revert ID` puts"
                + " their old table back); a target whose migration a doppel process still runs is refused: stop"
                + " the fleet (Ctrl-C) first."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:aborted (or nothing to abort)", "1:a target could not be reached", ExitCodes.USAGE_LINE,
                "3:a target refused (running elsewhere, or swapped already)"})
final class FleetAbortCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ChangeOptions change;

    @Mixin
    TargetOptions targets;

    @Mixin
    LockOptions locks;

    @Option(names = "--parallel", paramLabel = "<n>", defaultValue = "8", description = "Targets instructed at once."
            + " Default: 8.")
    int parallel;

    @Option(names = "--json", description = "Print a JSON array, one object per target, on stdout.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        try {
            List<FleetControl.Action> actions = new FleetControl(FleetText.change(change), parallel)
                    .abort(targets.targets(), locks.applyTo(Options.defaults()));
            spec.commandLine().getOut().print(json ? Json.compact(actions.stream().map(FleetText::json).toList())
                    + "\n" : FleetText.actions(actions));
            spec.commandLine().getOut().flush();
            if (actions.stream().anyMatch(a -> a.outcome().equals("unreachable"))) {
                return ExitCodes.FAILED;
            }
            return actions.stream().anyMatch(a -> a.outcome().equals("refused")) ? Reason.Kind.REFUSED.exitCode() : ExitCodes.OK;
        } catch (DoppelException e) {
            return Failures.report(e, json, spec);
        }
    }
}
