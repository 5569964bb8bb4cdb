package dev.doppel.cli;

import dev.doppel.engine.Options;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;

/** How a data job runs its batches, shared by update, delete and move. */
final class JobOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--batch-time", paramLabel = "<duration>", converter = Durations.class,
            description = "What each batch (one transaction) aims to take (default: ${DEFAULT-VALUE}).")
    Duration batchTime;

    @Option(names = "--max-rows-per-second", paramLabel = "<n>",
            description = "Cap on the rows changed per second; 0 for none (default: ${DEFAULT-VALUE}).")
    long maxRowsPerSecond;

    @Option(names = "--vacuum", paramLabel = "<n>", description = "VACUUM the table every N batches, so that a large"
            + " delete or update does not leave it bloated; 0 leaves it to autovacuum (default).")
    int vacuumEvery;

    @Option(names = "--again", description = "Start the job anew even if the same job on this table succeeded"
            + " before (a recurring purge); without it such a run reports the job done and changes nothing.")
    boolean again;

    @Option(names = "--plan", description = "Change nothing: show the rows that match, the batches, the time and"
            + " WAL expected from a timed sample batch (rolled back), the triggers and foreign keys the batches"
            + " fire, and the indexes the predicate can use.")
    boolean plan;

    @Option(names = "--exact-count", description = "With --plan: count the matching rows (reads every row the"
            + " predicate's indexes cannot skip) besides the planner's estimate.")
    boolean exactCount;

    Options applyTo(Options options) {
        if (batchTime.isZero()) {
            throw usage("--batch-time must be longer than 0, e.g. 300ms");
        }
        if (maxRowsPerSecond < 0) {
            throw usage("--max-rows-per-second must be 0 (no cap) or more");
        }
        if (vacuumEvery < 0) {
            throw usage("--vacuum is a number of batches, 0 (never) or more");
        }
        if (exactCount && !plan) {
            throw usage("--exact-count goes with --plan");
        }
        return options.withChunk(batchTime, options.initialChunkRows(), options.maxChunkRows())
                .withMaxRowsPerSecond(maxRowsPerSecond);
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
