package dev.doppel.benchmarks;

import dev.doppel.engine.Options;
import dev.doppel.engine.server.EmbeddedPostgresServer;
import dev.doppel.engine.server.PostgresServer;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Runs the scenarios side by side on one server and prints one table of numbers. */
@Command(name = "doppel-benchmarks", mixinStandardHelpOptions = true,
        description = "Side-by-side benchmark: a blocking ALTER TABLE, an INSERT ... SELECT copy and doppel, each on"
                + " the same fixture in the same server with the same write workload running.",
        footer = {"", "Example: java -jar benchmarks/target/doppel-benchmarks.jar --rows 1000000 --rate 500"})
public final class BenchmarkCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the fixture (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--rate", defaultValue = "500", description = "Workload writes per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--connections", defaultValue = "8", description = "Workload connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--change", defaultValue = "ALTER COLUMN total TYPE bigint USING (total * 100)::bigint,"
            + " ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'", description = "The ALTER subcommands.")
    String change;

    @Option(names = "--seed", defaultValue = "0.42", description = "Fixture seed in [-1, 1] (default ${DEFAULT-VALUE}).")
    double seed;

    @Option(names = "--baseline-seconds", defaultValue = "10", description = "How long the workload-alone baseline runs.")
    double baselineSeconds;

    @Option(names = "--url", description = "JDBC URL of a server to use instead of an embedded one (with user and"
            + " password parameters).")
    String url;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchmarkCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PostgresServer embedded = url == null ? EmbeddedPostgresServer.start(EmbeddedPostgresServer.baseSettings()) : null;
        try {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            if (embedded != null) {
                ds.setURL(embedded.jdbcUrl("postgres"));
                ds.setUser(embedded.user());
                System.out.println("server: embedded " + embedded.version());
            } else {
                ds.setURL(url);
            }
            System.out.printf("fixture: orders, %,d rows; workload %d writes/s over %d connections%nchange: %s%n%n",
                    rows, rate, connections, change);
            Scenarios scenarios = new Scenarios(ds, Fixture.load("orders"), rows, seed, change, rate, connections,
                    baselineSeconds);
            List<ScenarioResult> results = new ArrayList<>();
            results.add(print(scenarios.baseline()));
            results.add(print(scenarios.blockingAlter()));
            results.add(print(scenarios.insertSelect()));
            results.add(print(scenarios.doppel("doppel (trigger capture, defaults)", Options.defaults())));
            System.out.println();
            System.out.println(ScenarioResult.markdownHeader());
            results.forEach(r -> System.out.println(r.markdownRow()));
            System.out.println("\npg_repack: not run (not installed here; it cannot change a column type either).");
            return 0;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static ScenarioResult print(ScenarioResult r) {
        System.out.printf("%-40s %8.2f s%s%n", r.scenario(), r.seconds(),
                r.workload() == null ? "" : String.format("  writes ok %,d failed %,d p99 %.1f ms max %.0f ms",
                        r.workload().ok(), r.workload().failed(), r.workload().p99Millis(), r.workload().maxMillis()));
        if (r.workload() != null && !r.workload().errors().isEmpty()) {
            System.out.println("    errors: " + r.workload().errors());
        }
        return r;
    }
}
