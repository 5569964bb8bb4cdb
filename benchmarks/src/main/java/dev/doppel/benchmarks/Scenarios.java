package dev.doppel.benchmarks;

import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.Plan;
import dev.doppel.engine.Result;
import dev.doppel.engine.plan.ColumnMapping;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;

/**
 * The scenarios, each on a fresh copy of the same fixture in the same server, with the same workload running:
 * the workload alone (the baseline), a blocking ALTER TABLE, one INSERT ... SELECT into a copy, and doppel.
 */
final class Scenarios {

    private final DataSource dataSource;
    private final Fixture fixture;
    private final long rows;
    private final double seed;
    private final String change;
    private final int rate;
    private final int connections;
    private final double workloadSeconds;

    Scenarios(DataSource dataSource, Fixture fixture, long rows, double seed, String change, int rate, int connections,
              double baselineSeconds) {
        this.dataSource = dataSource;
        this.fixture = fixture;
        this.rows = rows;
        this.seed = seed;
        this.change = change;
        this.rate = rate;
        this.connections = connections;
        this.workloadSeconds = baselineSeconds;
    }

    private interface Timed {
        String run(Connection c) throws Exception;
    }

    private ScenarioResult measure(String name, String table, boolean withWorkload, Timed body, double lockHeld)
            throws Exception {
        try (Connection c = dataSource.getConnection()) {
            fixture.create(c, table, rows, seed);
            long bytes = number(c, "SELECT pg_table_size('" + table + "')");
            long wal0 = number(c, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
            Workload workload = withWorkload ? new Workload(dataSource, table, rate, connections, rows).start() : null;
            long t0 = System.nanoTime();
            String note = body.run(c);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Workload.Summary summary = workload == null ? null : workload.stop();
            long wal = number(c, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn") - wal0;
            double held = lockHeld < 0 ? seconds * 1000 : lockHeld;
            if (note != null && note.startsWith("lock:")) {
                held = Double.parseDouble(note.substring(5, note.indexOf(' ')));
                note = note.substring(note.indexOf(' ') + 1);
            }
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table + " CASCADE");
            }
            return new ScenarioResult(name, rows, seconds, rows / seconds, bytes / 1048576.0 / seconds, wal, held,
                    summary, note);
        }
    }

    ScenarioResult baseline() throws Exception {
        return measure("workload alone (baseline)", "bench_baseline", true, c -> {
            Thread.sleep((long) (workloadSeconds * 1000));
            return null;
        }, 0);
    }

    ScenarioResult blockingAlter() throws Exception {
        return measure("blocking ALTER TABLE", "bench_blocking", true, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE bench_blocking " + change);
            }
            return "the table is unavailable to writers for the whole run";
        }, -1);
    }

    /** The change as one INSERT ... SELECT into a bare copy, then its indexes: the copy's own limit. */
    ScenarioResult insertSelect() throws Exception {
        return measure("INSERT ... SELECT into a copy", "bench_copy", false, c -> {
            Plan plan = OnlineSchemaChange.builder().dataSource(dataSource).table("bench_copy").alter(change).build()
                    .plan();
            String columns = plan.mapping().copied().stream().map(t -> "\"" + t.name().replace("\"", "\"\"") + "\"")
                    .collect(Collectors.joining(", "));
            String values = plan.mapping().copied().stream().map(ColumnMapping.Target::expression)
                    .collect(Collectors.joining(", "));
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE bench_copy_target (LIKE bench_copy INCLUDING DEFAULTS)");
                st.execute("ALTER TABLE bench_copy_target " + change);
                st.execute("INSERT INTO bench_copy_target (" + columns + ") SELECT " + values + " FROM bench_copy");
                st.execute("ALTER TABLE bench_copy_target ADD PRIMARY KEY (id)");
                st.execute("CREATE INDEX ON bench_copy_target (customer_id)");
                st.execute("CREATE INDEX ON bench_copy_target (created_at)");
                st.execute("DROP TABLE bench_copy_target");
            }
            return "no workload: a copy is not online";
        }, 0);
    }

    ScenarioResult doppel(String name, Options options) throws Exception {
        return measure(name, "bench_doppel", true, c -> {
            Result r = OnlineSchemaChange.builder().dataSource(dataSource).table("bench_doppel").alter(change)
                    .options(options.withKeepOld(java.time.Duration.ZERO)).build().run();
            long held = r.locks().stream().filter(l -> l.what().startsWith("cut-over")).mapToLong(Result.LockHeld::millis)
                    .max().orElse(0);
            return "lock:" + held + " copy " + String.format("%,.0f", r.rowsPerSecond()) + " rows/s, verified "
                    + (r.verify() == null ? "off" : String.format("%,d rows", r.verify().sourceRows())) + ", phases ms "
                    + r.phaseMillis();
        }, 0);
    }

    private static long number(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
