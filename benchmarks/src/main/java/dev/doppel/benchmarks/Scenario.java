package dev.doppel.benchmarks;

import java.util.List;
import java.util.Map;

/** One way of making the change (or, for the baseline, of not making it), measured by {@link ScenarioRunner}. */
interface Scenario {

    /** The name on the command line, e.g. {@code alter}. */
    String id();

    /** The name in the results. */
    String title();

    /** Whether the workload runs during it; an offline scenario measures a limit, not an online change. */
    boolean online();

    Outcome run(ScenarioContext context) throws Exception;

    /**
     * What a scenario reports about itself.
     *
     * @param rowsCopied     rows rewritten, 0 when the scenario copies nothing
     * @param lockHeldMillis the longest time it blocked the table's writers; NaN when it cannot tell
     * @param locks          every lock it reports, by what it was for
     * @param phaseMillis    its own phases, when it has any
     */
    record Outcome(long rowsCopied, double lockHeldMillis, List<Lock> locks, Map<String, Long> phaseMillis,
                   String note) {

        static Outcome of(long rowsCopied, double lockHeldMillis, String note) {
            return new Outcome(rowsCopied, lockHeldMillis, List.of(), Map.of(), note);
        }
    }

    /** A lock the scenario took on the table: what for, held how long, after how many attempts. */
    record Lock(String what, long millis, int attempts) {
    }
}
