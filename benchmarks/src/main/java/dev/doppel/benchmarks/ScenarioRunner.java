package dev.doppel.benchmarks;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * Runs one scenario once: builds the fixture afresh in its own schema, checkpoints so every scenario starts with
 * the same WAL state, starts the workload and lets it settle, times the change while sampling disk and heap,
 * lets the workload run on a little, then drops the schema. A failed scenario is reported, not thrown.
 */
final class ScenarioRunner {

    private final Target target;
    private final DataSource raw;
    private final DataSource inSchema;
    private final Settings settings;
    private final Fixture fixture;

    ScenarioRunner(Target target, Settings settings) {
        this.target = target;
        this.raw = target.dataSource();
        this.inSchema = target.dataSource(ScenarioContext.SCHEMA);
        this.settings = settings;
        this.fixture = Fixture.load(settings.fixture());
    }

    ScenarioResult run(Scenario scenario, int repetition) throws SQLException, InterruptedException {
        try (Connection c = inSchema.getConnection()) {
            execute(c, "DROP SCHEMA IF EXISTS " + ScenarioContext.SCHEMA + " CASCADE");
            execute(c, "CREATE SCHEMA " + ScenarioContext.SCHEMA);
            try {
                return measure(c, scenario, repetition);
            } finally {
                execute(c, "DROP SCHEMA " + ScenarioContext.SCHEMA + " CASCADE");
            }
        }
    }

    private ScenarioResult measure(Connection c, Scenario scenario, int repetition)
            throws SQLException, InterruptedException {
        Fixture.Size size = settings.size();
        fixture.create(c, size);
        long keys = fixture.keys(c, size);
        String table = ScenarioContext.SCHEMA + "." + fixture.table();
        // A partitioned table holds nothing itself: its partitions' sizes add up to it (a plain table has no tree).
        long tableBytes = number(c, "SELECT pg_table_size('" + table + "') + coalesce((SELECT"
                + " sum(pg_table_size(relid))::bigint FROM pg_partition_tree('" + table + "')), 0)");
        execute(c, "CHECKPOINT");
        System.gc();

        Workload workload = scenario.online() ? new Workload(inSchema, fixture, size, keys, settings.rate(),
                settings.connections()).start() : null;
        Timeline timeline = workload == null ? Timeline.NONE : workload;
        if (workload != null) {
            Thread.sleep((long) (settings.marginSeconds() * 1000));
        }
        ScenarioContext context = new ScenarioContext(target, raw, c, fixture, settings.change(fixture), keys,
                timeline);
        Scenario.Outcome outcome = null;
        String error = null;
        long wal0 = walPosition(c);
        ResourceSampler sampler = new ResourceSampler(raw);
        RateSeries rates = new RateSeries(raw);
        timeline.mark("change", LatencyLog.Window.DURING);
        long t0 = System.nanoTime();
        try {
            outcome = scenario.run(context);
        } catch (Exception e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        timeline.mark("end", LatencyLog.Window.AFTER);
        sampler.stop();
        sampler.close();
        List<RateSeries.Second> perSecond = rates.stop();
        rates.close();
        long wal = walPosition(c) - wal0;
        WorkloadResult w = null;
        if (workload != null) {
            Thread.sleep((long) (settings.marginSeconds() * 1000));
            w = workload.stop();
        }
        Scenario.Outcome o = outcome != null ? outcome
                : new Scenario.Outcome(0, Double.NaN, List.of(), Map.of(), null);
        return new ScenarioResult(scenario.id(), scenario.title(), repetition, keys, tableBytes, seconds,
                o.rowsCopied(), wal, sampler.extraBytesAtPeak(), sampler.peakHeapBytes(), o.lockHeldMillis(), o.locks(),
                o.phaseMillis(), w, perSecond, o.note(), error);
    }

    private static long walPosition(Connection c) throws SQLException {
        return number(c, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    }

    private static long number(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
