package dev.doppel.benchmarks;

import dev.doppel.engine.report.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The results file: settings, server and machine, one summary per scenario (medians, with ratios to the
 * blocking ALTER and the baseline), and every run in full, its per-second latency series and phase marks included.
 * Milliseconds for latency and locks, bytes for sizes, seconds for wall time; null where a figure does not apply.
 */
final class JsonReport {

    private JsonReport() {
    }

    static void write(Report report, Path file) throws IOException {
        Optional<ScenarioSummary> alter = report.summary("alter");
        Optional<ScenarioSummary> baseline = report.summary("baseline");
        List<Map<String, Object>> summaries = report.summaries().stream().map(s -> {
            Map<String, Object> m = Json.fields(s);
            Optional<ScenarioSummary> vsAlter = alter.filter(a -> !s.id().equals("baseline"));
            m.put("secondsVsAlter", vsAlter.map(a -> s.seconds() / a.seconds()).orElse(null));
            m.put("walVsAlter", vsAlter.map(a -> s.walBytes() / a.walBytes()).orElse(null));
            m.put("extraDiskVsAlter", vsAlter.map(a -> s.extraDiskBytes() / a.extraDiskBytes()).orElse(null));
            m.put("p99VsBaseline", baseline.filter(b -> !s.id().equals("baseline")).map(b -> s.p99() / b.p99())
                    .orElse(null));
            return m;
        }).toList();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("started", report.started());
        root.put("server", report.server());
        root.put("machine", report.machine());
        root.put("settings", report.settings());
        root.put("change", report.change());
        root.put("skipped", report.skipped());
        root.put("summaries", summaries);
        root.put("runs", report.runs());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, Json.pretty(root));
    }
}
