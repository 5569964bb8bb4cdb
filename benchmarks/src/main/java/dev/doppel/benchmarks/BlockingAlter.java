package dev.doppel.benchmarks;

import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.AlterParser;

import java.sql.Statement;
import java.util.List;

/**
 * The plain ALTER TABLE a user would otherwise run: the fastest rewrite PostgreSQL has, under ACCESS EXCLUSIVE for
 * all of it, so every write queues until it ends. For doppel's REPACK (no change of shape) that is VACUUM FULL.
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
            AlterChange change = AlterParser.parse(context.change());
            for (String statement : change.isRepack() ? List.of("VACUUM FULL " + context.table())
                    : change.statementsFor(context.table())) {
                st.execute(statement);
            }
        }
        return Outcome.of(context.rows(), (System.nanoTime() - t0) / 1e6, "ACCESS EXCLUSIVE for the whole rewrite");
    }
}
