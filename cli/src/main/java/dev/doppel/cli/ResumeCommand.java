package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.Result;
import dev.doppel.engine.batch.DataJobs;
import dev.doppel.engine.batch.JobResult;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code doppel resume}: the engine goes on with a stopped migration; output as {@code run}'s. */
@Command(name = "resume", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = {"Go on with a stopped migration or data job (a killed process, a lost connection, a lock not obtained)"
                + " where it stopped: the capture trigger kept recording meanwhile, so no write is lost. The options"
                + " below apply to this resume; the first run's are not reused, except its throttle (limits,"
                + " replicas, probe, critical action), which applies unless a throttle flag given here replaces its"
                + " part. Progress goes to stderr, the summary to stdout.",
                "%nErrors name a reason: migration_not_found (no migration with that id), not_resumable (it already"
                        + " finished, or the table's definition changed since: abort it), already_running (a doppel"
                        + " process holds it), stopped (stopped again; resume again)."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE, ExitCodes.MISMATCH_LINE, ExitCodes.STOPPED_LINE,
                ExitCodes.RUNNING_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel resume -h db.internal -d shop -U app 42",
                "  doppel resume -d shop 42 --lock-attempts 120 --drop-old --json"})
final class ResumeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<id>", description = "The migration's id, as `doppel status` lists it.")
    long id;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    LockOptions locks;

    @Mixin
    CopyOptions copy;

    @Mixin
    ThrottleOptions throttle;

    @Option(names = "--revert-window", paramLabel = "<duration>", converter = Durations.class,
            description = "For a migration not swapped yet: keep `doppel revert` possible this long after the swap,"
                    + " as `run --revert-window` (a resume does not carry the run's choice over).")
    java.time.Duration revertWindow;

    @Option(names = "--json", description = "Print the final report, or the error, as one JSON object on stdout.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        Options copied = throttle.applyTo(copy.applyTo(locks.applyTo(Options.defaults())));
        Options options = revertWindow == null ? copied : copied.withRevertWindow(revertWindow);
        PrintWriter err = spec.commandLine().getErr();
        copy.warnIfUnverified(err);
        return Reply.of(spec, json, () -> {
            try (Interrupts stop = Interrupts.install(err)) {
                DataJobs jobs = DataJobs.on(connection.dataSource());
                if (jobs.isJob(id)) {
                    JobResult job = jobs.options(options).listener(Progress.on(err, "batches")).resume(id);
                    return json ? Json.compact(JobReport.json(job)) + "\n" : JobReport.text(job);
                }
                Result result = Migrations.on(connection.dataSource()).options(options).listener(Progress.on(err))
                        .resume(id);
                return json ? Json.compact(RunReport.json(result)) + "\n"
                        : RunReport.text(result, RunReport.RESUMED_UNVERIFIED);
            }
        });
    }
}
