package dev.doppel.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * pg_repack rewriting the same table with its defaults (no ordering asked for). It cannot change a schema, so it
 * rewrites the table as it is: a comparison of the online rewrite machinery, not of the change. It does not
 * report its lock times; its effect shows in the workload's latency. Its extension is created in the benchmark
 * schema, so dropping that schema removes it.
 */
record PgRepackScenario(String binary) implements ExternalTool {

    @Override
    public String id() {
        return "pg_repack";
    }

    @Override
    public String title() {
        return "pg_repack (rewrite only)";
    }

    @Override
    public boolean online() {
        return true;
    }

    /** Why pg_repack cannot run here, or empty when both its binary and its server extension are present. */
    @Override
    public Optional<String> unavailable(Connection c) throws SQLException {
        Optional<String> missing = ExternalTool.missing(List.of(binary, "--version"));
        if (missing.isPresent()) {
            return missing;
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_repack'")) {
            return rs.next() ? Optional.empty()
                    : Optional.of("the server has no pg_repack extension (e.g. apt-get install postgresql-NN-repack)");
        }
    }

    @Override
    public Outcome run(ScenarioContext context) throws Exception {
        try (Statement st = context.connection().createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_repack");
        }
        Target t = context.target();
        ExternalTool.run("pg_repack", List.of(binary, "--no-order", "--table", context.table(), "--host", t.host(),
                "--port", t.port(), "--username", t.effectiveUser(), "--dbname", t.database()), t, Map.of());
        return Outcome.of(context.rows(), Double.NaN, "rewrites without the change; reports no lock times");
    }
}
