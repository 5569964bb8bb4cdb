package dev.doppel.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * A scenario's runs folded into medians (each figure's median on its own), with the wall time's spread. Failed
 * runs count only in {@code failedRuns} and {@code errors}. Latency figures are over the change; NaN where a
 * scenario has no such figure (no workload, no copy, lock unknown, or no run succeeded). {@code phases}: the
 * workload's latency in each phase the scenario marked, medians over the runs.
 */
record ScenarioSummary(String id, String title, int runs, int failedRuns, double seconds, double minSeconds,
                       double maxSeconds, double rowsPerSecond, double megabytesPerSecond, double walBytes,
                       double extraDiskBytes, double heapPeakBytes, double lockHeldMillis, double writesOk,
                       double writesFailed, double fewestPerSecond, double p50, double p99, double p999, double max,
                       double cutoverP99, List<PhaseLatency> phases, List<String> errors) {

    /** The workload's writes due in one phase: how many, and their latency in milliseconds. */
    record PhaseLatency(String phase, double due, double p50, double p99, double max) {
    }

    static ScenarioSummary of(List<ScenarioResult> runs) {
        ScenarioResult first = runs.get(0);
        List<ScenarioResult> use = runs.stream().filter(r -> r.error() == null).toList();
        double[] seconds = use.stream().mapToDouble(ScenarioResult::seconds).toArray();
        return new ScenarioSummary(first.id(), first.title(), runs.size(), runs.size() - use.size(),
                median(use, ScenarioResult::seconds), Arrays.stream(seconds).min().orElse(Double.NaN),
                Arrays.stream(seconds).max().orElse(Double.NaN), median(use, ScenarioResult::rowsPerSecond),
                median(use, ScenarioResult::megabytesPerSecond), median(use, ScenarioResult::walBytes),
                median(use, ScenarioResult::extraDiskBytes), median(use, ScenarioResult::heapPeakBytes),
                median(use, ScenarioResult::lockHeldMillis), workload(use, w -> w.ok()),
                workload(use, w -> w.failed()), workload(use, w -> w.fewestPerSecond()),
                workload(use, w -> w.during().p50()), workload(use, w -> w.during().p99()),
                workload(use, w -> w.during().p999()), workload(use, w -> w.during().max()),
                workload(use, w -> w.cutover().count() == 0 ? Double.NaN : w.cutover().p99()), phases(use),
                runs.stream().map(ScenarioResult::error).filter(Objects::nonNull).distinct().toList());
    }

    private static List<PhaseLatency> phases(List<ScenarioResult> runs) {
        Set<String> labels = new LinkedHashSet<>();
        runs.stream().filter(r -> r.workload() != null).forEach(r -> labels.addAll(r.workload().byPhase().keySet()));
        return labels.stream().map(l -> new PhaseLatency(l, phase(runs, l, LatencySummary::count),
                phase(runs, l, LatencySummary::p50), phase(runs, l, LatencySummary::p99),
                phase(runs, l, LatencySummary::max))).toList();
    }

    private static double phase(List<ScenarioResult> runs, String label, ToDoubleFunction<LatencySummary> f) {
        return workload(runs, w -> w.byPhase().containsKey(label) ? f.applyAsDouble(w.byPhase().get(label))
                : Double.NaN);
    }

    private static double workload(List<ScenarioResult> runs, ToDoubleFunction<WorkloadResult> f) {
        return median(runs, r -> r.workload() == null ? Double.NaN : f.applyAsDouble(r.workload()));
    }

    private static double median(List<ScenarioResult> runs, ToDoubleFunction<ScenarioResult> f) {
        double[] v = runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
