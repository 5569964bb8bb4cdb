package dev.doppel.benchmarks;

import java.util.Locale;
import java.util.Optional;

/**
 * The results as Markdown: one table of medians per scenario, the wall time's spread when repeated, and ratios to
 * the blocking ALTER (wall, WAL, disk) and to the baseline (p99); then the workload's latency in each phase of
 * each change. "-" where a figure does not apply.
 */
final class MarkdownTable {

    private MarkdownTable() {
    }

    static String render(Report report) {
        Optional<ScenarioSummary> alter = report.summary("alter");
        Optional<ScenarioSummary> baseline = report.summary("baseline");
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | wall s | wall × ALTER | rows/s | MB/s | WAL MB | extra disk MB | lock held ms"
                + " | fewest writes/s | writes failed | p50 ms | p99 ms | p99 × baseline | p99.9 ms | max ms"
                + " | cut-over p99 ms | heap MB |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ScenarioSummary s : report.summaries()) {
            String wall = s.runs() > 1 ? String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", s.seconds(), s.minSeconds(),
                    s.maxSeconds()) : String.format(Locale.ROOT, "%.2f", s.seconds());
            boolean change = !s.id().equals("baseline");
            sb.append("| ").append(s.title()).append(s.failedRuns() > 0 ? " (" + s.failedRuns() + " of " + s.runs()
                            + " runs failed)" : "")
                    .append(" | ").append(wall)
                    .append(" | ").append(change ? ratio(s.seconds(), alter.map(ScenarioSummary::seconds)) : "-")
                    .append(" | ").append(number("%,.0f", s.rowsPerSecond()))
                    .append(" | ").append(number("%,.1f", s.megabytesPerSecond()))
                    .append(" | ").append(withRatio(s.walBytes() / 1048576.0, alter.map(a -> a.walBytes() / 1048576.0),
                            change))
                    .append(" | ").append(withRatio(s.extraDiskBytes() / 1048576.0,
                            alter.map(a -> a.extraDiskBytes() / 1048576.0), change))
                    .append(" | ").append(number("%,.0f", s.lockHeldMillis()))
                    .append(" | ").append(number("%,.0f", s.fewestPerSecond()))
                    .append(" | ").append(number("%,.0f", s.writesFailed()))
                    .append(" | ").append(number("%,.2f", s.p50()))
                    .append(" | ").append(number("%,.1f", s.p99()))
                    .append(" | ").append(change ? ratio(s.p99(), baseline.map(ScenarioSummary::p99)) : "-")
                    .append(" | ").append(number("%,.1f", s.p999()))
                    .append(" | ").append(number("%,.0f", s.max()))
                    .append(" | ").append(number("%,.1f", s.cutoverP99()))
                    .append(" | ").append(number("%,.0f", s.heapPeakBytes() / 1048576.0))
                    .append(" |\n");
        }
        sb.append("\n| scenario | phase | writes due | p50 ms | p99 ms | p99 × baseline | max ms |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (ScenarioSummary s : report.summaries()) {
            if (s.id().equals("baseline")) {
                continue;
            }
            for (ScenarioSummary.PhaseLatency p : s.phases()) {
                sb.append("| ").append(s.title()).append(" | ").append(p.phase())
                        .append(" | ").append(number("%,.0f", p.due()))
                        .append(" | ").append(number("%,.2f", p.p50()))
                        .append(" | ").append(number("%,.1f", p.p99()))
                        .append(" | ").append(ratio(p.p99(), baseline.map(ScenarioSummary::p99)))
                        .append(" | ").append(number("%,.0f", p.max()))
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String withRatio(double value, Optional<Double> of, boolean show) {
        String r = show ? ratio(value, of) : "-";
        return number("%,.1f", value) + (r.equals("-") ? "" : " (" + r + ")");
    }

    private static String ratio(double value, Optional<Double> of) {
        return of.filter(d -> d > 0 && !Double.isNaN(value))
                .map(d -> String.format(Locale.ROOT, "%.2f×", value / d)).orElse("-");
    }

    private static String number(String format, double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }
}
