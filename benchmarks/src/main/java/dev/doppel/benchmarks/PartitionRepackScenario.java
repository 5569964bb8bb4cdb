package dev.doppel.benchmarks;

import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.Result;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/**
 * doppel repacking one partition of a partitioned fixture alone (no change of shape): the last leaf by name, the
 * one the events fixture's inserts go to. The cut-over detaches it and attaches its copy, holding the parent too.
 */
record PartitionRepackScenario() implements Scenario {

    @Override
    public String id() {
        return "doppel-partition";
    }

    @Override
    public String title() {
        return "doppel, repack of the last partition alone";
    }

    @Override
    public boolean online() {
        return true;
    }

    @Override
    public Outcome run(ScenarioContext context) throws Exception {
        String partition;
        try (Statement st = context.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT max(relid::regclass::text) FROM pg_partition_tree('"
                     + context.table() + "') WHERE isleaf AND level > 0")) {
            rs.next();
            partition = rs.getString(1);
        }
        if (partition == null) {
            throw new IllegalArgumentException("scenario doppel-partition needs a partitioned fixture (events)");
        }
        Result r = OnlineSchemaChange.builder().dataSource(context.dataSource())
                .table(partition.contains(".") ? partition : ScenarioContext.SCHEMA + "." + partition).repack(null)
                .options(Options.defaults().withKeepOld(Duration.ZERO)).listener(DoppelScenario.phaseMarks(context))
                .build().run();
        return DoppelScenario.outcome(r, String.format("partition %s; copy phase %,.0f rows/s; %,d changes replayed",
                partition, r.rowsPerSecond(), r.changesReplayed()));
    }
}
