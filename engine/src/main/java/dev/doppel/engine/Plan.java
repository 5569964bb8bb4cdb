package dev.doppel.engine;

import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.ColumnMapping;
import dev.doppel.engine.plan.InPlaceSteps;
import dev.doppel.engine.shadow.DeferredObject;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;

import java.util.List;

/**
 * What {@code run()} would do, found without changing anything: the table, its key, how each target column is
 * filled, what is built after the copy, the dependent objects the swap carries and how, and warnings about the
 * database's current state, and how writes made meanwhile are captured (for a rewrite).
 */
public record Plan(TableInfo source, AlterChange change, Strategy strategy, String why, ShadowTable shadow,
                   InPlaceSteps steps, List<String> carried, List<String> warnings, Options.Capture capture) {

    /** How the change is made. */
    public enum Strategy {
        /** The ALTER itself, on the table, under a lock taken in short attempts: PostgreSQL changes only the catalog. */
        IN_PLACE,
        /** A shadow table kept in sync, copied, verified and swapped in. */
        REWRITE
    }

    /** How each new column is filled; null for a change made in place. */
    public ColumnMapping mapping() {
        return shadow == null ? null : shadow.mapping();
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("table        ").append(source.display()).append(" (oid ").append(source.oid()).append(", about ")
                .append(String.format("%,d", source.estimatedRows())).append(" rows, ")
                .append(String.format("%,d", source.totalBytes() / (1024 * 1024))).append(" MB with indexes)\n");
        sb.append("change       ").append(change.text()).append('\n');
        sb.append("strategy     ").append(strategy == Strategy.IN_PLACE ? "in place" : "rewrite").append(": ")
                .append(why).append('\n');
        if (strategy == Strategy.IN_PLACE) {
            steps.describe(source.qualified()).forEach(st -> sb.append("  ").append(st).append('\n'));
            warnings.forEach(w -> sb.append("warning      ").append(w).append('\n'));
            return sb.toString();
        }
        sb.append("key          ").append(mapping().sourceKey()).append(" -> ").append(mapping().targetKey()).append('\n');
        sb.append("capture      ").append(capture == Options.Capture.LOGICAL
                ? "logical: a publication of the table and a pgoutput replication slot, no trigger"
                : "trigger: row and TRUNCATE triggers log the keys of rows written").append('\n');
        sb.append("columns\n");
        for (ColumnMapping.Target t : mapping().targets()) {
            String from = t.generated() ? "(generated, recomputed)" : t.expression() == null ? "(new: default)"
                    : t.expression();
            sb.append("  ").append(t.name()).append(' ').append(t.type()).append("  <-  ").append(from).append('\n');
        }
        sb.append("built after the copy\n");
        for (DeferredObject d : shadow.deferred()) {
            sb.append("  ").append(d.name()).append(d.key() ? " (key)" : "").append('\n');
        }
        for (ForeignKey fk : shadow.foreignKeys()) {
            sb.append("  foreign key ").append(fk.name()).append(" (NOT VALID at the swap, validated after)\n");
        }
        for (String c : carried) {
            sb.append("carried      ").append(c).append('\n');
        }
        for (String w : warnings) {
            sb.append("warning      ").append(w).append('\n');
        }
        return sb.toString();
    }
}
