package dev.doppel.benchmarks;

import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.fleet.FleetChange;
import dev.doppel.engine.fleet.FleetListener;
import dev.doppel.engine.fleet.FleetReport;
import dev.doppel.engine.fleet.FleetRun;
import dev.doppel.engine.fleet.FleetSettings;
import dev.doppel.engine.fleet.Target;
import dev.doppel.engine.fleet.TargetParser;
import dev.doppel.engine.server.EmbeddedPostgresServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One change on many databases of one server: a script's loop of `doppel run` (one by one) against `doppel fleet
 * run` at several caps on targets in flight, each from identical copies of one template database. Reports the
 * total time, the peak and mean CPU busy share of the machine, the peak WAL rate and the peak active backends.
 */
@Command(name = "fleet-benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time and peak load of one change on N databases: one by one, and as a fleet.",
        footer = {"", "Example:",
                "  java -cp benchmarks/target/doppel-benchmarks.jar dev.doppel.benchmarks.FleetBenchmark"
                        + " --databases 20 --rows 200000 --in-flight 2,4"})
public final class FleetBenchmark implements Callable<Integer> {

    static final String CHANGE = "ALTER COLUMN total TYPE bigint USING (total*100)::bigint,"
            + " ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'";

    @Option(names = "--databases", defaultValue = "20", description = "Databases (default ${DEFAULT-VALUE}).")
    int databases;

    @Option(names = "--rows", defaultValue = "200000", description = "Rows of orders in each (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--in-flight", split = ",", defaultValue = "2,4",
            description = "Fleet caps on targets in flight to measure (default ${DEFAULT-VALUE}).")
    List<Integer> inFlight;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FleetBenchmark()).execute(args));
    }

    /** One measured way of making the change on every database. */
    record Measured(String how, double seconds, double peakCpu, double meanCpu, long peakWalPerSecond, long peakActive) {
    }

    @Override
    public Integer call() throws Exception {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(EmbeddedPostgresServer.baseSettings())) {
            System.err.printf(Locale.ROOT, "building the template: orders with %,d rows%n", rows);
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE fleet_template");
            }
            try (Connection c = server.connect("fleet_template"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, total numeric(12,2)"
                        + " NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, note text)");
                s.execute("INSERT INTO orders (customer_id, total, status, created_at, note) SELECT"
                        + " (g * 7919) % 50000, ((g * 31) % 100000) / 100.0, (ARRAY['new','paid','shipped'])[g % 3 + 1],"
                        + " timestamptz '2026-01-01' + g * interval '1 second', CASE WHEN g % 10 = 0 THEN"
                        + " repeat('n', 80) END FROM generate_series(1, " + rows + ") g");
                s.execute("CREATE INDEX ON orders (customer_id)");
                s.execute("CREATE INDEX ON orders (created_at)");
                s.execute("VACUUM ANALYZE orders");
            }
            List<Measured> results = new ArrayList<>();
            results.add(measure(server, "one by one (a loop of doppel run)", dbs -> {
                for (String db : dbs) {
                    OnlineSchemaChange.builder().dataSource(target(server, db).dataSource()).table("orders")
                            .alter(CHANGE).options(options()).build().apply();
                }
            }));
            for (int n : inFlight) {
                results.add(measure(server, "fleet run, " + n + " in flight", dbs -> {
                    List<Target> targets = dbs.stream().map(db -> target(server, db)).toList();
                    FleetReport report = new FleetRun(new FleetChange("orders", CHANGE, options()),
                            new FleetSettings(1, 0, n, Duration.ZERO, false, FleetSettings.Cutover.EACH),
                            FleetListener.NONE, null).run(targets);
                    if (!report.complete()) {
                        throw new IllegalStateException("the fleet did not finish: " + report.failures());
                    }
                }));
            }
            System.out.printf(Locale.ROOT, "%n%d databases x %,d rows, change: %s%n%n", databases, rows, CHANGE);
            System.out.println("| how | total time | rows/s overall | peak CPU (machine) | mean CPU | peak WAL/s"
                    + " | peak active backends |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (Measured m : results) {
                System.out.printf(Locale.ROOT, "| %s | %.1f s | %,.0f | %.0f%% | %.0f%% | %.1f MB/s | %d |%n", m.how(),
                        m.seconds(), databases * rows / m.seconds(), m.peakCpu() * 100, m.meanCpu() * 100,
                        m.peakWalPerSecond() / 1e6, m.peakActive());
            }
        }
        return 0;
    }

    private interface Work {
        void on(List<String> databases) throws Exception;
    }

    private Measured measure(EmbeddedPostgresServer server, String how, Work work) throws Exception {
        List<String> dbs = new ArrayList<>();
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            for (int i = 0; i < databases; i++) {
                String name = "shard_" + i;
                s.execute("DROP DATABASE IF EXISTS " + name);
                s.execute("CREATE DATABASE " + name + " TEMPLATE fleet_template");
                dbs.add(name);
            }
            s.execute("CHECKPOINT");
        }
        System.err.println("measuring: " + how);
        FleetLoad load = new FleetLoad(server.connect("postgres"));
        long start = System.nanoTime();
        try {
            work.on(dbs);
        } finally {
            load.stop();
            load.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.printf(Locale.ROOT, "  %.1f s%n", seconds);
        return new Measured(how, seconds, load.peakCpu(), load.meanCpu(), load.peakWalPerSecond(), load.peakActive());
    }

    private static Options options() {
        return Options.defaults().withKeepOld(Duration.ZERO);
    }

    private static Target target(EmbeddedPostgresServer server, String db) {
        return new TargetParser(Map.of()).parse("host=localhost port=" + server.port() + " dbname=" + db
                + " user=" + server.user(), 0);
    }
}
