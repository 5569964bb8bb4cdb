package dev.doppel.cli;

import dev.doppel.engine.Options;
import dev.doppel.engine.Applied;
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

/** {@code doppel run}: the engine's migration, with progress on stderr and the summary on stdout. */
@Command(name = "run", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = {"Change the table online: build a shadow table with the new schema, capture concurrent writes,"
                + " copy in throttled keyset chunks, verify, and swap under a lock held for milliseconds. Progress"
                + " goes to stderr, the summary to stdout.",
                "%nRunning the same change again is safe: an unfinished migration of the same table and change is"
                        + " resumed, and one that succeeded while the table still has the definition it left is"
                        + " reported as already done (exit 0, nothing changed). Options can come from a file,"
                        + " `doppel run @orders.args`: picocli's argument files, whitespace-separated, '#' starts a"
                        + " comment, quote a value with spaces in \"...\" or '...' on one line, and double a"
                        + " backslash."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.DONE_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE, ExitCodes.REFUSED_LINE,
                ExitCodes.MISMATCH_LINE, ExitCodes.STOPPED_LINE, ExitCodes.RUNNING_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel run -d shop @orders-to-cents.args     the change kept in a file",
                "  doppel run -h db.internal -d shop -U app --table public.orders \\",
                "      --alter 'ALTER COLUMN total TYPE bigint USING (total*100)::bigint'",
                "  doppel run --url jdbc:postgresql://db:5432/shop --table orders \\",
                "      --alter 'ALTER COLUMN id TYPE bigint' --lock-timeout 50ms \\",
                "      --max-rows-per-second 20000 --drop-old --json > report.json"})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ChangeOptions change;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    LockOptions locks;

    @Mixin
    CopyOptions copy;

    @Mixin
    SpaceOptions space;
    @Mixin
    ThrottleOptions throttle;

    @Option(names = "--json", description = "Print the final report, or the error, as one JSON object on stdout.")
    boolean json;

    @Option(names = "--metrics-port", paramLabel = "<port>", description = "Serve the migration's metrics in"
            + " Prometheus format at http://127.0.0.1:<port>/metrics while it runs.")
    Integer metricsPort;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        Options options = space.applyTo(change.applyTo(throttle.applyTo(copy.applyTo(locks.applyTo(
                Options.defaults())))));
        PrintWriter err = spec.commandLine().getErr();
        copy.warnIfUnverified(err);
        return Reply.of(spec, json, () -> {
            try (Interrupts stop = Interrupts.install(err)) {
                Applied applied;
                if (metricsPort == null) {
                    applied = change.builder(connection.dataSource()).options(options).listener(Progress.on(err))
                            .build().apply();
                } else {
                    try (MetricsEndpoint metrics = endpoint()) {
                        applied = change.builder(connection.dataSource()).options(options).listener(Progress.on(err))
                                .meterRegistry(metrics.registry()).build().apply();
                    }
                }
                return json ? Json.compact(RunReport.json(applied)) + "\n" : RunReport.text(applied);
            }
        });
    }

    private MetricsEndpoint endpoint() {
        try {
            return new MetricsEndpoint(metricsPort);
        } catch (UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
