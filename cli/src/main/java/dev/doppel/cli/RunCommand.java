package dev.doppel.cli;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Options;
import dev.doppel.engine.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code doppel run}: the engine's migration, with progress on stderr and the summary on stdout. */
@Command(name = "run", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = "Change the table online: build a shadow table with the new schema, capture concurrent writes,"
                + " copy in throttled keyset chunks, verify, and swap under a lock held for milliseconds. Progress"
                + " goes to stderr, the summary to stdout.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE, ExitCodes.REFUSED_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel run -h db.internal -d shop -U app --table public.orders \\",
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

    @Option(names = "--lock-timeout", paramLabel = "<duration>", converter = Durations.class,
            description = "How long one attempt to lock the table may wait; writers queue behind it meanwhile"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration lockTimeout;

    @Option(names = "--lock-attempts", paramLabel = "<n>",
            description = "Attempts to take a lock before giving up (default: ${DEFAULT-VALUE}).")
    int lockAttempts;

    @Option(names = "--chunk-time", paramLabel = "<duration>", converter = Durations.class,
            description = "What each copy chunk aims to take (default: ${DEFAULT-VALUE}).")
    Duration chunkTime;

    @Option(names = "--max-rows-per-second", paramLabel = "<n>",
            description = "Cap on the copy rate; 0 for none (default: ${DEFAULT-VALUE}).")
    long maxRowsPerSecond;

    @Option(names = "--keep-old", paramLabel = "<duration>", converter = Durations.class,
            description = "Keep the old table this long after the swap (default: ${DEFAULT-VALUE}).")
    Duration keepOld;

    @Option(names = "--drop-old", description = "Drop the old table right after the swap.")
    boolean dropOld;

    @Option(names = "--no-verify", description = "Swap without comparing source and shadow first. Not recommended.")
    boolean noVerify;

    @Option(names = "--json", description = "Print the final report, or the error, as one JSON object on stdout.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        Options options = options();
        PrintWriter err = spec.commandLine().getErr();
        if (noVerify) {
            err.println("WARNING: --no-verify: the swap will happen WITHOUT comparing source and shadow; a lost or"
                    + " wrong row would go unnoticed. Run without --no-verify unless verification itself is the"
                    + " problem.");
            err.flush();
        }
        try {
            Result result = change.builder(connection.dataSource()).options(options).listener(Progress.on(err))
                    .build().run();
            spec.commandLine().getOut().print(json ? Json.write(RunReport.json(result)) + "\n"
                    : RunReport.text(result));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        } catch (DoppelException e) {
            return Failures.report(e, json, spec);
        }
    }

    private Options options() {
        if (dropOld && spec.commandLine().getParseResult().hasMatchedOption("--keep-old")) {
            throw usage("--keep-old and --drop-old contradict each other; give one");
        }
        if (lockTimeout.isZero()) {
            throw usage("--lock-timeout 0 would let a lock attempt wait forever with writers queued behind it;"
                    + " give a short duration, e.g. 100ms");
        }
        if (chunkTime.isZero()) {
            throw usage("--chunk-time must be longer than 0, e.g. 300ms");
        }
        if (lockAttempts < 1) {
            throw usage("--lock-attempts must be at least 1");
        }
        if (maxRowsPerSecond < 0) {
            throw usage("--max-rows-per-second must be 0 (no cap) or more");
        }
        Options defaults = Options.defaults();
        return defaults.withLockTimeout(lockTimeout).withLockAttempts(lockAttempts)
                .withChunk(chunkTime, defaults.initialChunkRows(), defaults.maxChunkRows())
                .withMaxRowsPerSecond(maxRowsPerSecond).withKeepOld(dropOld ? Duration.ZERO : keepOld)
                .withVerify(!noVerify);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
