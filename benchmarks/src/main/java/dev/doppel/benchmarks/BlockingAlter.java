package dev.doppel.benchmarks;

import java.sql.Statement;

/**
 * The plain ALTER TABLE a user would otherwise run: the fastest rewrite PostgreSQL has, under ACCESS EXCLUSIVE for
 * all of it, so every write queues until it ends.
 */
final class BlockingAlter implements Scenario {

    @Override
    public String id() {
        return "alter";
    }

    @Override
    public String title() {
        return "blocking ALTER TABLE";
    }

    @Override
    public boolean online() {
        return true;
    }

    @Override
    public Outcome run(ScenarioContext context) throws Exception {
        long t0 = System.nanoTime();
        try (Statement st = context.connection().createStatement()) {
            st.execute("ALTER TABLE " + context.table() + " " + context.change());
        }
        return Outcome.of(context.rows(), (System.nanoTime() - t0) / 1e6, "ACCESS EXCLUSIVE for the whole rewrite");
    }
}
