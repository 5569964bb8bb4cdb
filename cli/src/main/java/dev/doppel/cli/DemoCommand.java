package dev.doppel.cli;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.Result;
import dev.doppel.engine.server.EmbeddedPostgresServer;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** A self-contained demonstration on an embedded PostgreSQL: nothing to install, nothing left behind. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Start an embedded PostgreSQL, create and fill an orders table, and change it online while"
                + " four writers insert, update and delete: total becomes a bigint of cents and a currency column is"
                + " added. Ends with the rows verified, the cut-over's lock time and the writers' failures (none).",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, "1:the migration failed, or an application write failed",
                ExitCodes.USAGE_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel demo", "  doppel demo --rows 5000000"})
final class DemoCommand implements Callable<Integer> {

    static final String CHANGE = "ALTER COLUMN total TYPE bigint USING (total*100)::bigint,"
            + " ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'";
    private static final int WRITERS = 4;

    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "1000000", paramLabel = "<n>",
            description = "Rows in the demo table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Override
    public Integer call() throws SQLException, InterruptedException {
        if (rows < 1) {
            throw new ParameterException(spec.commandLine(), "--rows must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Starting an embedded PostgreSQL...");
        out.flush();
        Finish finish;
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(EmbeddedPostgresServer.baseSettings())) {
            out.println("  " + server.version());
            createOrders(server, out);
            finish = migrate(dataSource(server));
        }
        out.println("Embedded PostgreSQL stopped; nothing left behind.");
        out.print(finish.report());
        out.flush();
        return finish.code();
    }

    /** The report, printed once the server is gone so that it ends the output, and the exit code. */
    private record Finish(String report, int code) {
    }

    private void createOrders(EmbeddedPostgresServer server, PrintWriter out) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric(12,2) NOT NULL,"
                    + " status text NOT NULL, note text, created_at timestamptz NOT NULL DEFAULT now())");
            s.execute("INSERT INTO orders (total, status, note) SELECT (g % 100000) / 100.0,"
                    + " (ARRAY['new','paid','shipped'])[1 + g % 3], CASE WHEN g % 4 = 0 THEN 'gift wrap' END"
                    + " FROM generate_series(1, " + rows + ") g");
            // The planner's row estimate drives the progress percentage and ETA.
            s.execute("ANALYZE orders");
        }
        out.printf(Locale.ROOT, "  created public.orders with %,d rows in %.1f s%n", rows,
                (System.nanoTime() - start) / 1e9);
        out.printf("%nChanging it online while %d writers run:%n  %s%n%n", WRITERS, CHANGE);
        out.flush();
    }

    private Finish migrate(PGSimpleDataSource dataSource) throws InterruptedException {
        Result result;
        long elapsed;
        DemoWriters writers = DemoWriters.start(dataSource, WRITERS, rows);
        try {
            long start = System.nanoTime();
            // The server is thrown away at the end: a kept old table would only suggest a cleanup to do.
            result = OnlineSchemaChange.builder().dataSource(dataSource).table("public.orders").alter(CHANGE)
                    .options(Options.defaults().withKeepOld(Duration.ZERO))
                    .listener(Progress.on(spec.commandLine().getErr())).build().run();
            elapsed = (System.nanoTime() - start) / 1_000_000;
        } catch (DoppelException e) {
            return new Finish("", Failures.report(e, false, spec));
        } finally {
            writers.close();
        }
        StringBuilder sb = new StringBuilder("\n").append(RunReport.text(result)).append('\n');
        RunReport.row(sb, "migration", String.format(Locale.ROOT, "%.1f s from start to finish", elapsed / 1000.0));
        RunReport.row(sb, "rows verified", String.format(Locale.ROOT, "%,d", result.verify().sourceRows()));
        RunReport.row(sb, "cut-over lock", result.locks().stream().filter(l -> l.what().startsWith("cut-over"))
                .mapToLong(Result.LockHeld::millis).sum() + " ms held");
        RunReport.row(sb, "app writes", String.format(Locale.ROOT, "ok: %,d, failed: %,d", writers.ok(),
                writers.failed()));
        for (Map.Entry<String, Long> f : writers.failures().entrySet()) {
            RunReport.row(sb, "", String.format(Locale.ROOT, "%,d x %s", f.getValue(), f.getKey()));
        }
        return new Finish(sb.toString(), writers.failed() == 0 ? ExitCodes.OK : ExitCodes.FAILED);
    }

    private static PGSimpleDataSource dataSource(EmbeddedPostgresServer server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(server.jdbcUrl("postgres"));
        ds.setUser(server.user());
        ds.setApplicationName("doppel demo");
        return ds;
    }
}
