package dev.doppel.cli;

import dev.doppel.engine.Plan;
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
        m.put("change", plan.change().text());
        m.put("strategy", plan.strategy().name().toLowerCase());
        m.put("why", plan.why());
        if (mapping == null) {
            m.put("statements", plan.change().statementsFor(source.qualified()));
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
        m.put("carried", plan.carried());
        m.put("warnings", plan.warnings());
        return m;
    }
}
