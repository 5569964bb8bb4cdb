package dev.doppel.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * pg_repack rewriting the same table with its defaults (no ordering asked for). It cannot change a schema, so it
 * rewrites the table as it is: a comparison of the online rewrite machinery, not of the change. It does not
 * report its lock times; its effect shows in the workload's latency. Its extension is created in the benchmark
 * schema, so dropping that schema removes it.
 */
record PgRepackScenario(String binary) implements Scenario {

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
    Optional<String> unavailable(Connection c) throws SQLException {
        try {
            Process p = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                return Optional.of("'" + binary + " --version' failed");
            }
        } catch (IOException e) {
            return Optional.of("the pg_repack program is not installed (no '" + binary + "' on the PATH)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
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
        ProcessBuilder pb = new ProcessBuilder(List.of(binary, "--no-order", "--table", context.table(),
                "--host", t.host(), "--port", t.port(), "--username", t.effectiveUser(), "--dbname", t.database()))
                .redirectErrorStream(true);
        if (t.effectivePassword() != null) {
            pb.environment().put("PGPASSWORD", t.effectivePassword());
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pg_repack exited with " + p.exitValue() + ": " + output);
        }
        return Outcome.of(context.rows(), Double.NaN, "rewrites without the change; reports no lock times");
    }
}
