package dev.doppel.cli;

import dev.doppel.engine.Plan;
import dev.doppel.engine.catalog.DiskHeadroom;
import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.ServerState;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.ColumnMapping;

import java.util.LinkedHashMap;
import java.util.Map;

/** A plan as a JSON object, for scripts and reviews; {@link Plan#toText()} is the human form. */
final class PlanReport {

    private PlanReport() {
    }

    static Map<String, Object> json(Plan plan) {
        TableInfo source = plan.source();
        ColumnMapping mapping = plan.mapping();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", "planned");
        m.put("table", source.display());
        m.put("oid", source.oid());
        m.put("estimated_rows", source.estimatedRows());
        m.put("total_bytes", source.totalBytes());
        if (source.partitions().partitioned()) {
            m.put("partitions", tree(source.partitions()));
        }
        m.put("change", plan.change().text());
        if (plan.change().changesPartitioning()) {
            // What the table becomes: its new partitions, or none.
            m.put("new_partitions", plan.change().isUnpartition() ? null : tree(plan.change().targetTree(source)));
        }
        m.put("strategy", plan.strategy().name().toLowerCase());
        m.put("why", plan.why());
        m.put("subcommands", plan.routes().stream().map(r -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("subcommand", r.subcommand());
            o.put("how", r.how());
            return o;
        }).toList());
        m.put("steps", plan.schedule().stream().map(st -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("action", st.action());
            o.put("lock", st.lock());
            o.put("effect", st.effect());
            o.put("estimate_ms", st.estimateMillis());
            return o;
        }).toList());
        if (mapping == null) {
            server(m, plan.server());
            m.put("warnings", plan.warnings());
            return m;
        }
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("source", mapping.sourceKey());
        key.put("source_types", mapping.sourceKeyTypes());
        key.put("target", mapping.targetKey());
        m.put("key", key);
        m.put("capture", plan.capture().name().toLowerCase());
        m.put("columns", mapping.targets().stream().map(t -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", t.name());
            c.put("type", t.type());
            c.put("source", t.source());
            c.put("expression", t.expression());
            c.put("generated", t.generated());
            return c;
        }).toList());
        m.put("deferred", plan.shadow().deferred().stream().map(d -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", d.name());
            o.put("key", d.key());
            o.put("sql", d.create());
            return o;
        }).toList());
        m.put("foreign_keys", plan.shadow().foreignKeys().stream().map(fk -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", fk.name());
            o.put("definition", fk.definition());
            o.put("validate_after_swap", fk.validate());
            return o;
        }).toList());
        Map<String, Object> revert = new LinkedHashMap<>();
        revert.put("possible", plan.revert().exists());
        revert.put("window_seconds", plan.revert().exists() ? plan.revertWindow().toSeconds() : null);
        revert.put("reason", plan.revert().refusal());
        revert.put("columns", plan.revert().exists() ? plan.revert().describe() : null);
        m.put("revert", revert);
        m.put("carried", plan.carried());
        server(m, plan.server());
        m.put("warnings", plan.warnings());
        return m;
    }

    /** "disk", "replicas" and "slots"; sizes in bytes, lags in milliseconds (null when unknown). */
    private static Map<String, Object> tree(PartitionTree tree) {
        Map<String, Object> partitions = new LinkedHashMap<>();
        partitions.put("key", tree.key());
        partitions.put("partitions", tree.partitions().stream().map(p -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", p.display());
            o.put("bound", p.bound());
            o.put("key", p.key());
            return o;
        }).toList());
        return partitions;
    }

    private static void server(Map<String, Object> m, ServerState server) {
        DiskHeadroom disk = server.disk();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("shadow_bytes", disk.shadowBytes());
        d.put("wal_bytes", disk.walBytes());
        d.put("min_free_bytes", disk.reserveBytes());
        d.put("checked", disk.unchecked() == null);
        d.put("file_systems", disk.stores().stream().map(s -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("holds", s.holds());
            o.put("path", s.path());
            o.put("needed_bytes", s.neededBytes());
            o.put("free_bytes", s.usableBytes());
            o.put("free_after_bytes", s.leftBytes());
            return o;
        }).toList());
        d.put("not_checked_because", disk.unchecked());
        m.put("disk", d);
        m.put("replicas", server.replication().replicas().stream().map(r -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", r.name());
            o.put("state", r.state());
            o.put("write_lag_ms", r.writeLagMs());
            o.put("flush_lag_ms", r.flushLagMs());
            o.put("replay_lag_ms", r.replayLagMs());
            return o;
        }).toList());
        m.put("slots", server.replication().slots().stream().map(sl -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", sl.name());
            o.put("type", sl.type());
            o.put("active", sl.active());
            o.put("retained_wal_bytes", sl.retainedBytes());
            return o;
        }).toList());
    }
}
