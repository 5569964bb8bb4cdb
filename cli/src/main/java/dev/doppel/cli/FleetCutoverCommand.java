package dev.doppel.cli;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.fleet.FleetChange;
import dev.doppel.engine.fleet.FleetControl;
import dev.doppel.engine.fleet.FleetStatus;
import dev.doppel.engine.fleet.Target;
import dev.doppel.engine.fleet.TargetStatus;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code doppel fleet cutover}: releases the postponed cut-over of every target waiting at ready. */
@Command(name = "cutover", versionProvider = VersionProvider.class, sortOptions = false,
        description = {"Release the cut-over of every target waiting at ready (run with --cutover manual, or with"
                + " `doppel run --postpone-cutover` per target). Each swaps under its own short, bounded lock: one"
                + " that cannot take its lock holds no other's. Targets not yet ready are listed and left alone;"
                + " with --wait, nothing is released until every target is ready (or has the change)."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:released (or nothing to release)", "1:--wait gave up: a target failed, was aborted or"
                + " cannot be reached", ExitCodes.USAGE_LINE})
final class FleetCutoverCommand implements Callable<Integer> {

    private static final Set<String> HOPELESS = Set.of("failed", "aborted", "unreachable", "missing_table");

    @Spec
    CommandSpec spec;

    @Mixin
    ChangeOptions change;

    @Mixin
    TargetOptions targets;

    @Option(names = "--wait", description = "Wait until every target is ready or has the change, then release"
            + " them all together.")
    boolean waitForAll;

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
            FleetChange fleetChange = FleetText.change(change);
            List<Target> list = targets.targets();
            if (waitForAll) {
                while (true) {
                    FleetStatus status = FleetStatus.read(list, fleetChange, parallel);
                    List<TargetStatus> lost = status.targets().stream().filter(t -> HOPELESS.contains(t.state()))
                            .toList();
                    if (!lost.isEmpty()) {
                        spec.commandLine().getOut().print(json ? Json.compact(FleetText.json(status)) + "\n"
                                : FleetText.status(status));
                        spec.commandLine().getErr().println("doppel fleet cutover gave up waiting: " + lost.size()
                                + " target(s) will not become ready; nothing was released");
                        spec.commandLine().getErr().flush();
                        return ExitCodes.FAILED;
                    }
                    if (status.targets().stream().allMatch(t -> "ready".equals(t.state())
                            || "succeeded".equals(t.state()))) {
                        break;
                    }
                    Thread.sleep(1000);
                }
            }
            List<FleetControl.Action> actions = new FleetControl(fleetChange, parallel).cutover(list);
            spec.commandLine().getOut().print(json ? Json.compact(actions.stream().map(FleetText::json).toList())
                    + "\n" : FleetText.actions(actions));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reason.Kind.STOPPED.exitCode();
        } catch (DoppelException e) {
            return Failures.report(e, json, spec);
        }
    }
}
