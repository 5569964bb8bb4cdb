package dev.doppel.benchmarks;

import dev.doppel.engine.Options;
import dev.doppel.engine.throttle.Measure;
import dev.doppel.engine.throttle.ThrottleSettings;
import dev.doppel.engine.throttle.Threshold;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the chosen scenarios on one server, repetition by repetition (each repetition runs every scenario once, so
 * drift over time spreads across all of them), and prints a line per run.
 */
final class Benchmark {

    static final List<String> SCENARIOS = List.of("baseline", "alter", "copy", "doppel", "doppel-logical",
            "doppel-throttled", "doppel-wal-throttled", "doppel-partition", "pg_repack", "pg-osc");

    private final Target target;
    private final Settings settings;
    private final PrintStream out;

    Benchmark(Target target, Settings settings, PrintStream out) {
        this.target = target;
        this.settings = settings;
        this.out = out;
    }

    Report run() throws SQLException, InterruptedException {
        Instant started = Instant.now();
        Map<String, String> skipped = new LinkedHashMap<>();
        List<Scenario> scenarios = new ArrayList<>();
        for (String id : settings.scenarios()) {
            Scenario s = scenario(id);
            Optional<String> missing = s instanceof ExternalTool tool ? unavailable(tool) : Optional.empty();
            if (missing.isPresent()) {
                skipped.put(id, missing.get());
                out.println(id + ": skipped: " + missing.get());
            } else {
                scenarios.add(s);
            }
        }
        String change = settings.change(Fixture.load(settings.fixture()));
        out.printf("fixture %s, %,d rows (seed %s); workload %,d writes/s over %d connections; change: %s%n",
                settings.fixture(), settings.size().rows(), settings.seed(), settings.rate(), settings.connections(),
                change);
        ScenarioRunner runner = new ScenarioRunner(target, settings);
        List<ScenarioResult> runs = new ArrayList<>();
        for (int rep = 1; rep <= settings.repeat(); rep++) {
            for (Scenario s : scenarios) {
                ScenarioResult r = runner.run(s, rep);
                runs.add(r);
                out.println(line(r));
            }
        }
        return new Report(settings, change, serverVersion(), machine(), started, runs, skipped);
    }

    private Scenario scenario(String id) {
        return switch (id) {
            case "baseline" -> new Baseline(settings.baselineSeconds());
            case "alter" -> new BlockingAlter();
            case "copy" -> new InsertSelectCopy();
            case "doppel" -> new DoppelScenario(id, "doppel, defaults", Options.defaults());
            case "doppel-logical" -> new DoppelScenario(id, "doppel, --capture logical",
                    Options.defaults().withCapture(Options.Capture.LOGICAL));
            case "doppel-throttled" -> new DoppelScenario(id, String.format(Locale.ROOT,
                    "doppel, --max-rows-per-second %,d", settings.throttleRowsPerSecond()),
                    Options.defaults().withMaxRowsPerSecond(settings.throttleRowsPerSecond()));
            case "doppel-wal-throttled" -> new DoppelScenario(id, String.format(Locale.ROOT,
                    "doppel, --limit wal-rate=%.1fMB", settings.throttleWalBytesPerSecond() / 1048576.0),
                    Options.defaults().withThrottle(ThrottleSettings.none().withLimit(Measure.WAL_RATE,
                            new Threshold(settings.throttleWalBytesPerSecond(), 0))));
            case "doppel-partition" -> new PartitionRepackScenario();
            case "pg_repack" -> new PgRepackScenario(settings.pgRepack());
            case "pg-osc" -> new PgOscScenario(settings.pgOsc());
            default -> throw new IllegalArgumentException("unknown scenario '" + id + "'; scenarios: " + SCENARIOS);
        };
    }

    private Optional<String> unavailable(ExternalTool tool) throws SQLException {
        try (Connection c = target.dataSource().getConnection()) {
            return tool.unavailable(c);
        }
    }

    private static String line(ScenarioResult r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  #%d %-36s %8.2f s", r.repetition(),
                r.title(), r.seconds()));
        WorkloadResult w = r.workload();
        if (w != null) {
            sb.append(String.format(Locale.ROOT, "  writes ok %,d failed %,d  p99 %,.1f ms  max %,.0f ms", w.ok(),
                    w.failed(), w.during().p99(), w.during().max()));
            w.errors().forEach((e, n) -> sb.append(String.format(Locale.ROOT, "%n      %,d x %s", n, e)));
        }
        if (r.error() != null) {
            sb.append("\n      FAILED: ").append(r.error());
        }
        return sb.toString();
    }

    private String serverVersion() throws SQLException {
        try (Connection c = target.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String machine() {
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : 0;
        return String.format(Locale.ROOT, "%d processors, %.0f GB memory, %s %s, Java %s",
                Runtime.getRuntime().availableProcessors(), memory / 1073741824.0, System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"));
    }
}
