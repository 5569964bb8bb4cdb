package dev.doppel.cli;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.fleet.FleetCheck;
import dev.doppel.engine.fleet.TargetPlan;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code doppel fleet plan}: every target checked, read-only, with the reason for each that cannot take the change. */
@Command(name = "plan", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = {"Check every target, changing nothing: it can be reached, the table exists and is defined as on"
                + " the other targets, no two lines name one database, no doppel process works on it now, and the"
                + " engine's own plan accepts the change there. Lists each target with its verdict: ready, resume"
                + " (an unfinished run of this change), done, or why not (unreachable, missing_table,"
                + " different_table, duplicate, running, or the engine's refusal reason)."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:every target can take the change (or has it)", ExitCodes.USAGE_LINE,
                "3:at least one target cannot; the list says which and why"})
final class FleetPlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ChangeOptions change;

    @Mixin
    TargetOptions targets;

    @Mixin
    LockOptions locks;

    @Mixin
    CopyOptions copy;

    @Mixin
    SpaceOptions space;

    @Option(names = "--parallel", paramLabel = "<n>", defaultValue = "8", description = "Targets checked at once."
            + " Default: 8.")
    int parallel;

    @Option(names = "--json", description = "Print a JSON array, one object per target, on stdout.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        try {
            List<TargetPlan> plans = new FleetCheck(FleetText.change(change, locks, copy, space, null), parallel)
                    .check(targets.targets());
            spec.commandLine().getOut().print(json ? Json.compact(plans.stream().map(FleetText::json).toList())
                    + "\n" : FleetText.plans(plans));
            spec.commandLine().getOut().flush();
            return plans.stream().allMatch(TargetPlan::proceeds) ? ExitCodes.OK : Reason.Kind.REFUSED.exitCode();
        } catch (DoppelException e) {
            return Failures.report(e, json, spec);
        }
    }
}
