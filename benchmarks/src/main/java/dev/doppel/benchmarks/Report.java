package dev.doppel.benchmarks;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A whole benchmark run: what was asked, where it ran, every scenario run, and the scenarios skipped with why.
 *
 * @param server the server's version() line
 * @param machine processors, memory and OS of the machine the harness ran on
 */
record Report(Settings settings, String change, String server, String machine, Instant started,
              List<ScenarioResult> runs, Map<String, String> skipped) {

    /** Per scenario, in the order they first ran. */
    List<ScenarioSummary> summaries() {
        Map<String, List<ScenarioResult>> byId = runs.stream()
                .collect(Collectors.groupingBy(ScenarioResult::id, LinkedHashMap::new, Collectors.toList()));
        return byId.values().stream().map(ScenarioSummary::of).toList();
    }

    Optional<ScenarioSummary> summary(String id) {
        return summaries().stream().filter(s -> s.id().equals(id)).findFirst();
    }
}
