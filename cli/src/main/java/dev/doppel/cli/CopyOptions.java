package dev.doppel.cli;

import dev.doppel.engine.CutoverWindow;
import dev.doppel.engine.Options;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;

/** How a migration copies, verifies and keeps the old table, shared by run and resume. */
final class CopyOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

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

    @Option(names = "--postpone-cutover", description = "Wait at \"ready\", replaying changes, until `doppel cutover"
            + " ID` releases the swap.")
    boolean postponeCutover;

    @Option(names = "--cutover-window", paramLabel = "<hours>", description = "Cut over only within these daily"
            + " hours, e.g. '02:00-04:00' (local time) or '02:00-04:00 UTC'; outside them a ready migration waits,"
            + " replaying changes, unless `doppel cutover ID` releases it.")
    String cutoverWindow;

    Options applyTo(Options options) {
        if (dropOld && mixee.commandLine().getParseResult().hasMatchedOption("--keep-old")) {
            throw usage("--keep-old and --drop-old contradict each other; give one");
        }
        if (chunkTime.isZero()) {
            throw usage("--chunk-time must be longer than 0, e.g. 300ms");
        }
        if (maxRowsPerSecond < 0) {
            throw usage("--max-rows-per-second must be 0 (no cap) or more");
        }
        return options.withChunk(chunkTime, options.initialChunkRows(), options.maxChunkRows())
                .withMaxRowsPerSecond(maxRowsPerSecond).withKeepOld(dropOld ? Duration.ZERO : keepOld)
                .withVerify(!noVerify).withPostponedCutover(postponeCutover).withCutoverWindow(window());
    }

    private CutoverWindow window() {
        try {
            return cutoverWindow == null ? null : CutoverWindow.parse(cutoverWindow);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** Says loudly, before anything starts, that a lost or wrong row would go unnoticed. */
    void warnIfUnverified(PrintWriter err) {
        if (noVerify) {
            err.println("WARNING: --no-verify: the swap will happen WITHOUT comparing source and shadow; a lost or"
                    + " wrong row would go unnoticed. Run without --no-verify unless verification itself is the"
                    + " problem.");
            err.flush();
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
