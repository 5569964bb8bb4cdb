package dev.doppel.benchmarks;

import dev.doppel.engine.server.EmbeddedPostgresServer;
import dev.doppel.engine.server.PostgresServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

/** The benchmark's command line: options to {@link Settings}, a server, the run, and the results written out. */
@Command(name = "doppel-benchmarks", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {"Makes one schema change on the same fixture in the same server several ways, with the same"
                + " open-loop write workload running, and compares wall time, copy rate, WAL, extra disk, lock-held"
                + " time, the workload's latency and failed writes, and heap.",
                "Scenarios: baseline (workload alone), alter (blocking ALTER TABLE), copy (one INSERT ... SELECT, no"
                        + " workload), doppel (trigger capture), doppel-logical (--capture logical), doppel-throttled,"
                        + " doppel-wal-throttled and doppel-partition (a repack of the last partition alone, events"
                        + " fixture; these two not run unless named), pg_repack and pg-osc (each when installed)."},
        footer = {"", "Examples:",
                "  java -jar benchmarks/target/doppel-benchmarks.jar",
                "  java -jar benchmarks/target/doppel-benchmarks.jar --rows 10000000 --repeat 3",
                "  java -jar benchmarks/target/doppel-benchmarks.jar --fixture pgbench --scale 50 --scenarios alter,doppel",
                "  java -jar benchmarks/target/doppel-benchmarks.jar --fixture wide --rows 200000 --rate 200",
                "  java -jar benchmarks/target/doppel-benchmarks.jar --fixture events --rows 10000000 --scenarios alter,doppel",
                "  java -jar benchmarks/target/doppel-benchmarks.jar --url jdbc:postgresql://db:5432/bench --user postgres"})
public final class BenchmarkCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--fixture", defaultValue = "orders",
            description = "orders, orders-bloated, pgbench, wide, uuid, composite or events (partitioned by month)"
                    + " (default ${DEFAULT-VALUE}); see test-data/.")
    String fixture;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the fixture (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--scale", description = "pgbench scale: 100,000 accounts each (default: --rows / 100,000).")
    Integer scale;

    @Option(names = "--seed", defaultValue = "0.42",
            description = "Fixture seed in [-1, 1]; the same seed gives the same rows (default ${DEFAULT-VALUE}).")
    double seed;

    @Option(names = "--change", description = "The ALTER TABLE subcommands (default: the fixture's own).")
    String change;

    @Option(names = "--scenarios", split = ",", defaultValue = "baseline,alter,copy,doppel,doppel-logical,doppel-throttled,pg_repack,pg-osc",
            description = "Which to run, in order (default ${DEFAULT-VALUE}).")
    List<String> scenarios;

    @Option(names = "--repeat", defaultValue = "1",
            description = "Runs of each scenario; the table shows medians and the wall time's spread (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--rate", defaultValue = "1000", description = "Workload writes per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--connections", defaultValue = "8", description = "Workload connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--baseline-seconds", defaultValue = "10",
            description = "How long the baseline runs the workload alone (default ${DEFAULT-VALUE}).")
    double baselineSeconds;

    @Option(names = "--margin-seconds", defaultValue = "2",
            description = "Workload before and after each change, in the latency series (default ${DEFAULT-VALUE}).")
    double marginSeconds;

    @Option(names = "--max-rows-per-second", defaultValue = "100000",
            description = "Copy-rate cap of the doppel-throttled scenario (default ${DEFAULT-VALUE}).")
    long throttle;

    @Option(names = "--max-wal-bytes-per-second", defaultValue = "8388608",
            description = "WAL-rate limit of the doppel-wal-throttled scenario, bytes/s (default ${DEFAULT-VALUE}).")
    long throttleWal;

    @Option(names = "--pg-repack", defaultValue = "pg_repack",
            description = "The pg_repack program (default: ${DEFAULT-VALUE} on the PATH); skipped when absent.")
    String pgRepack;

    @Option(names = "--pg-osc", defaultValue = "pg-online-schema-change",
            description = "The pg-osc program (default: ${DEFAULT-VALUE} on the PATH); skipped when absent.")
    String pgOsc;

    @Option(names = "--url", description = "PgJDBC URL of a server to use instead of an embedded one; the user needs"
            + " superuser (CHECKPOINT, pg_repack). Only the schema doppel_bench is created and dropped.")
    String url;

    @Option(names = "--user", description = "User for --url (or put user= in the URL).")
    String user;

    @Option(names = "--password", description = "Password for --url (or put password= in the URL).")
    String password;

    @Option(names = "--out", description = "Results file, JSON; the chart (.svg) and table (.md) go beside it"
            + " (default: benchmarks/target/results/<timestamp>.json).")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchmarkCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        settings();
        if (url != null) {
            return exitCode(execute(new Target(url, user, password)));
        }
        try (PostgresServer server = EmbeddedPostgresServer.start(EmbeddedPostgresServer.baseSettings())) {
            System.out.println("server: embedded, " + server.version());
            return exitCode(execute(new Target(server.jdbcUrl("postgres"), server.user(), server.password())));
        }
    }

    /** Runs on {@code target}, prints the table and writes the results; the test calls this with its own server. */
    Report execute(Target target) throws Exception {
        Settings settings = settings();
        Report report = new Benchmark(target, settings, System.out).run();
        String table = MarkdownTable.render(report);
        System.out.println();
        System.out.print(table);
        report.skipped().forEach((id, why) -> System.out.println("\n" + id + ": skipped: " + why));
        Path json = out != null ? out : defaultOut();
        String stem = json.getFileName().toString().replaceFirst("\\.json$", "");
        JsonReport.write(report, json);
        Files.writeString(json.resolveSibling(stem + ".md"), table);
        LatencyChart.write(report, json.resolveSibling(stem + ".svg"));
        RateChart.write(report, json.resolveSibling(stem + "-rates.svg"));
        System.out.println("\nresults: " + json.toAbsolutePath() + " (charts " + stem + ".svg and " + stem
                + "-rates.svg, table " + stem + ".md)");
        return report;
    }

    /** The options as settings; a usage error (exit 2) for values no run could use. */
    Settings settings() {
        if (!Fixture.NAMES.contains(fixture)) {
            throw new ParameterException(spec.commandLine(), "unknown fixture '" + fixture + "'; fixtures: "
                    + Fixture.NAMES);
        }
        List<String> unknown = scenarios.stream().filter(id -> !Benchmark.SCENARIOS.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "unknown scenarios " + unknown + "; scenarios: "
                    + Benchmark.SCENARIOS);
        }
        if (rows < 1 || repeat < 1 || rate < 1 || connections < 1 || throttle < 1
                || throttleWal < 1) {
            throw new ParameterException(spec.commandLine(), "--rows, --repeat, --rate, --connections,"
                    + " --max-rows-per-second and --max-wal-bytes-per-second must be at least 1");
        }
        int s = scale != null ? scale : (int) Math.max(1, rows / 100_000);
        long r = fixture.equals("pgbench") ? s * 100_000L : rows;
        return new Settings(fixture, r, s, seed, change, rate, connections, baselineSeconds, marginSeconds, throttle,
                throttleWal,
                List.copyOf(scenarios), repeat, pgRepack, pgOsc);
    }

    private static int exitCode(Report report) {
        return report.runs().stream().anyMatch(r -> r.error() != null) ? 1 : 0;
    }

    /** Next to the jar (or the classes directory): benchmarks/target/results. */
    private static Path defaultOut() throws URISyntaxException, IOException {
        Path code = Path.of(BenchmarkCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return code.getParent().resolve("results").resolve(stamp + ".json");
    }
}
