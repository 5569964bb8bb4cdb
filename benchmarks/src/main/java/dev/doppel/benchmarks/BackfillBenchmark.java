package dev.doppel.benchmarks;

import dev.doppel.engine.Options;
import dev.doppel.engine.batch.DataJob;
import dev.doppel.engine.batch.JobResult;
import dev.doppel.engine.server.EmbeddedPostgresServer;
import dev.doppel.engine.server.PostgresServer;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backfill on the orders fixture, made by one UPDATE statement and by doppel's data job (with and without
 * VACUUM pacing), each on a freshly built table while the fixture's open-loop write workload runs: wall time,
 * WAL, table and index size after (the bloat), the workload's p99 and worst latency, and the longest time a
 * workload write was seen waiting for a lock.
 */
@Command(name = "doppel-backfill-benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Backfills ADD COLUMN total_cents bigint with total_cents = (total * 100)::bigint on the orders"
                + " fixture: one UPDATE statement against doppel update, under the same write workload.",
        footer = {"", "Example:", "  java -cp benchmarks/target/doppel-benchmarks.jar"
                + " dev.doppel.benchmarks.BackfillBenchmark --rows 2000000"})
public final class BackfillBenchmark implements Callable<Integer> {

    private static final String SCHEMA = ScenarioContext.SCHEMA;
    private static final String TABLE = SCHEMA + ".orders";
    private static final String SET = "total_cents = (total * 100)::bigint";
    private static final String WHERE = "total_cents IS NULL";
    private static final String APP = "bench-app";

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the fixture (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--rate", defaultValue = "500", description = "Workload writes per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--connections", defaultValue = "8", description = "Workload connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--vacuum", defaultValue = "20", description = "Batches between VACUUMs in the paced doppel run"
            + " (default ${DEFAULT-VALUE}).")
    int vacuumEvery;

    /** One way of backfilling, measured. */
    private record Row(String how, double seconds, long rowsChanged, long walBytes, long tableBytesBefore,
                       long tableBytesAfter, long indexBytesAfter, long deadRowsAfter, LatencySummary during,
                       long failed, double longestLockWaitMillis) {
    }

    private interface Backfill {
        long run(Target target) throws SQLException;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BackfillBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (PostgresServer server = EmbeddedPostgresServer.start(EmbeddedPostgresServer.baseSettings())) {
            System.out.println("server: embedded, " + server.version() + "; " + rows + " rows, workload " + rate
                    + " writes/s");
            Target target = new Target(server.jdbcUrl("postgres"), server.user(), server.password());
            List<Row> results = new ArrayList<>();
            results.add(measure(target, "one UPDATE statement", t -> {
                try (Connection c = t.dataSource().getConnection(); Statement st = c.createStatement()) {
                    return st.executeUpdate("UPDATE " + TABLE + " SET " + SET + " WHERE " + WHERE);
                }
            }));
            results.add(measure(target, "doppel update", t -> job(t, 0)));
            results.add(measure(target, "doppel update --vacuum " + vacuumEvery, t -> job(t, vacuumEvery)));
            System.out.println();
            System.out.print(table(results));
        }
        return 0;
    }

    private static long job(Target t, int vacuumEvery) {
        JobResult r = DataJob.update(TABLE).set(SET).where(WHERE).dataSource(t.dataSource())
                .options(Options.defaults()).vacuumEvery(vacuumEvery).again(true).build().run();
        return r.rowsChanged();
    }

    private Row measure(Target target, String how, Backfill backfill) throws Exception {
        Fixture fixture = Fixture.load("orders");
        Fixture.Size size = new Fixture.Size(rows, 1, 0.42);
        long keys;
        try (Connection c = target.dataSource(SCHEMA).getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("SET search_path = " + SCHEMA);
            fixture.create(c, size);
            keys = fixture.keys(c, size);
            st.execute("ALTER TABLE orders ADD COLUMN total_cents bigint");
            st.execute("CHECKPOINT");
        }
        PGSimpleDataSource app = (PGSimpleDataSource) target.dataSource(SCHEMA);
        app.setApplicationName(APP);
        try (Connection c = target.dataSource().getConnection()) {
            long tableBefore = number(c, "SELECT pg_table_size('" + TABLE + "')");
            Workload workload = new Workload(app, fixture, size, keys, rate, connections).start();
            Thread.sleep(2_000);
            AtomicBoolean sampling = new AtomicBoolean(true);
            AtomicLong longestWaitMicros = new AtomicLong();
            Thread sampler = new Thread(() -> sampleLockWaits(target, sampling, longestWaitMicros));
            sampler.start();
            long wal0 = number(c, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
            workload.mark("backfill", LatencyLog.Window.DURING);
            long t0 = System.nanoTime();
            long changed = backfill.run(target);
            double seconds = (System.nanoTime() - t0) / 1e9;
            workload.mark("end", LatencyLog.Window.AFTER);
            long wal = number(c, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn") - wal0;
            sampling.set(false);
            sampler.join();
            Thread.sleep(2_000);
            WorkloadResult w = workload.stop();
            long left = number(c, "SELECT count(*) FROM " + TABLE + " WHERE " + WHERE);
            if (left > 0) {
                System.out.println(how + ": " + left + " rows left unfilled (inserted by the workload after the"
                        + " backfill passed their keys)");
            }
            Row row = new Row(how, seconds, changed, wal, tableBefore, number(c, "SELECT pg_table_size('" + TABLE
                    + "')"), number(c, "SELECT pg_indexes_size('" + TABLE + "')"),
                    number(c, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = '" + TABLE + "'::regclass"),
                    w.during(), w.failed(), longestWaitMicros.get() / 1000.0);
            System.out.println(how + ": " + String.format(Locale.ROOT, "%.1f s", seconds) + ", " + changed + " rows");
            return row;
        }
    }

    /** Every 20 ms: the longest a workload connection has been waiting for a lock (a row's, mostly). */
    private static void sampleLockWaits(Target target, AtomicBoolean sampling, AtomicLong longest) {
        try (Connection c = target.dataSource().getConnection(); Statement st = c.createStatement()) {
            while (sampling.get()) {
                try (ResultSet rs = st.executeQuery("SELECT coalesce(max(extract(epoch FROM clock_timestamp()"
                        + " - query_start) * 1e6), 0)::bigint FROM pg_stat_activity WHERE application_name = '"
                        + APP + "' AND wait_event_type = 'Lock'")) {
                    rs.next();
                    longest.accumulateAndGet(rs.getLong(1), Math::max);
                }
                Thread.sleep(Duration.ofMillis(20).toMillis());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("sampling lock waits failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long number(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| backfill | wall time | rows | WAL | table before -> after | indexes"
                + " after | dead rows after | app p99 / max during | app writes failed | longest lock wait |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f s | %,d | %,d MB | %,d -> %,d MB | %,d MB | %,d |"
                            + " %.1f / %.0f ms | %d | %.0f ms |%n", r.how(), r.seconds(), r.rowsChanged(),
                    r.walBytes() >> 20, r.tableBytesBefore() >> 20, r.tableBytesAfter() >> 20,
                    r.indexBytesAfter() >> 20, r.deadRowsAfter(), r.during().p99(), r.during().max(), r.failed(),
                    r.longestLockWaitMillis()));
        }
        return sb.toString();
    }
}
