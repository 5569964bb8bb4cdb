package dev.doppel.benchmarks;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * pg-osc (shayonj/pg-osc) making the same change with its defaults: trigger capture into an audit table, one
 * INSERT ... SELECT copy, replay, swap; it verifies nothing. {@code --drop} drops the old table at the end, as
 * doppel's scenarios do. Its audit and shadow tables live in the benchmark schema, which the run drops.
 */
record PgOscScenario(String binary) implements ExternalTool {

    @Override
    public String id() {
        return "pg-osc";
    }

    @Override
    public String title() {
        return "pg-osc (no verification)";
    }

    @Override
    public boolean online() {
        return true;
    }

    @Override
    public Optional<String> unavailable(Connection c) {
        return ExternalTool.missing(List.of(binary, "--version"));
    }

    @Override
    public Outcome run(ScenarioContext context) throws Exception {
        Target t = context.target();
        ExternalTool.run("pg-osc", List.of(binary, "perform", "--alter-statement", "ALTER TABLE "
                        + context.fixture().table() + " " + context.change(), "--schema", ScenarioContext.SCHEMA,
                "--dbname", t.database(), "--host", t.host(), "--port", t.port(), "--username", t.effectiveUser(),
                "--drop"), t, Map.of());
        return Outcome.of(context.rows(), Double.NaN, "reports no lock times; verifies nothing");
    }
}
