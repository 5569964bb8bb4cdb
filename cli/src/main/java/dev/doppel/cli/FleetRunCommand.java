package dev.doppel.cli;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.fleet.FleetReport;
import dev.doppel.engine.fleet.FleetRun;
import dev.doppel.engine.fleet.TargetOutcome.Status;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/** {@code doppel fleet run} (or {@code resume}): the change on every target, in waves. */
@Command(name = "run", aliases = "resume", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = {"Check every target as `fleet plan` does, then make the change on each, wave by wave: the"
                + " canary first, then waves of --wave-size, at most --max-in-flight copying at once, --wave-pause"
                + " between waves. The first target that fails or stops ends the fleet (no new target starts; those"
                + " working finish) unless --keep-going. Each target runs as `doppel run` would, with the same"
                + " options and its own throttle signals (its own standbys' lag).",
                "%nRunning the same command again (or `fleet resume`, the same command) resumes every target:"
                        + " finished targets are reported done, stopped ones go on where they stopped."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:every target has the change", "1:a target failed; the report lists it and its reason",
                ExitCodes.USAGE_LINE, "3:the checks refused the fleet (nothing was started), or with --keep-going"
                + " left targets out", "5:stopped, resumable: a target stopped, or the fleet stopped before every"
                + " target ran; run the same command again"})
final class FleetRunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ChangeOptions change;

    @Mixin
    TargetOptions targets;

    @Mixin
    WaveOptions waves;

    @Mixin
    LockOptions locks;

    @Mixin
    CopyOptions copy;

    @Mixin
    SpaceOptions space;

    @Mixin
    ThrottleOptions throttle;

    @Option(names = "--json", description = "Print the fleet's report, one object per target, as JSON on stdout.")
    boolean json;

    @Option(names = "--metrics-port", paramLabel = "<port>", description = "Serve every target's metrics, labelled"
            + " target=\"host:port/db\", and the fleet's doppel_fleet_targets{state} in Prometheus format at"
            + " http://127.0.0.1:<port>/metrics.")
    Integer metricsPort;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        copy.warnIfUnverified(err);
        try (Interrupts stop = Interrupts.install(err)) {
            FleetReport report;
            var fleetChange = FleetText.change(change, locks, copy, space, throttle);
            var list = targets.targets();
            if (metricsPort == null) {
                report = new FleetRun(fleetChange, waves.settings(), new FleetProgress(err), null).run(list);
            } else {
                try (MetricsEndpoint metrics = endpoint()) {
                    report = new FleetRun(fleetChange, waves.settings(), new FleetProgress(err), metrics.registry())
                            .run(list);
                }
            }
            spec.commandLine().getOut().print(json ? Json.compact(FleetText.json(report)) + "\n"
                    : FleetText.report(report));
            spec.commandLine().getOut().flush();
            return exitCode(report);
        } catch (DoppelException e) {
            return Failures.report(e, json, spec);
        }
    }

    static int exitCode(FleetReport report) {
        if (report.refused()) {
            return Reason.Kind.REFUSED.exitCode();
        }
        if (report.count(Status.FAILED) > 0) {
            return ExitCodes.FAILED;
        }
        if (report.count(Status.STOPPED) + report.count(Status.NOT_STARTED) > 0) {
            return Reason.Kind.STOPPED.exitCode();
        }
        return report.count(Status.SKIPPED) > 0 ? Reason.Kind.REFUSED.exitCode() : ExitCodes.OK;
    }

    private MetricsEndpoint endpoint() {
        try {
            return new MetricsEndpoint(metricsPort);
        } catch (UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
