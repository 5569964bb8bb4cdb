package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.Column;
import dev.doppel.engine.catalog.TableInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * How the old table is filled back from the new one, for a revert: for each old column an expression over the new
 * table's columns, as a {@link ColumnMapping} whose source is the new table. doppel derives it where the change
 * has an obvious inverse (a column kept or renamed, a type changed without USING: cast back, a column added: left
 * out, a column dropped: its default for new rows, its old value for the rest); the user may give any column's
 * inverse. A cast back is checked row by row: {@code checks} are conditions over the new columns that hold only
 * when the value survives the round trip, so a revert refuses a value the old type cannot hold instead of losing it.
 *
 * @param mapping the inverse, or null when there is none
 * @param checks  round-trip conditions the rows must meet; empty when every column maps back unchanged
 * @param refusal why there is no inverse, or null
 */
public record InverseMapping(ColumnMapping mapping, List<String> checks, String refusal) {

    public boolean exists() {
        return mapping != null;
    }

    /**
     * @param old     the table as it was before the change (the source, or the retained old table)
     * @param forward the migration's mapping from the old table to the new one
     * @param given   the user's inverse expressions by old column name
     */
    public static InverseMapping derive(TableInfo old, ColumnMapping forward, Map<String, String> given) {
        for (String column : given.keySet()) {
            if (old.column(column).isEmpty()) {
                throw new DoppelException(Reason.INVALID_REVERT_USING, "--revert-using names column " + column + ", which "
                        + old.display() + " does not have; name the columns of the table as it is before the change");
            }
        }
        List<ColumnMapping.Target> targets = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        boolean overriding = false;
        for (Column c : old.columns()) {
            if (c.isGenerated()) {
                targets.add(new ColumnMapping.Target(c.name(), c.type(), null, null, null, true));
                continue;
            }
            ColumnMapping.Target forwardTarget = forward.targets().stream()
                    .filter(t -> c.name().equals(t.source()) && t.copied()).findFirst().orElse(null);
            String expression;
            String source = forwardTarget == null ? null : forwardTarget.name();
            if (given.containsKey(c.name())) {
                expression = "(" + given.get(c.name()) + ")";
            } else if (forwardTarget == null) {
                if (c.notNull() && c.defaultExpression() == null && c.identity() == 0) {
                    return none("the change drops column " + c.name() + ", which is NOT NULL without a default: a row"
                            + " inserted after the swap would have no value for it in the old table (give one with"
                            + " --revert-using '" + c.name() + "=<expression>')");
                }
                targets.add(new ColumnMapping.Target(c.name(), c.type(), null, null, null, false));
                continue;
            } else if (!forwardTarget.expression().equals(quote(c.name()))) {
                return none("column " + c.name() + " is filled through USING " + forwardTarget.expression()
                        + ", which doppel cannot invert (give the inverse with --revert-using '" + c.name()
                        + "=<expression over the new columns>')");
            } else {
                expression = quote(forwardTarget.name());
                if (!forwardTarget.type().equals(c.type())) {
                    checks.add("CAST(CAST(" + expression + " AS " + c.type() + ") AS " + forwardTarget.type()
                            + ") IS NOT DISTINCT FROM " + expression);
                }
            }
            boolean sameType = !given.containsKey(c.name()) && forwardTarget.type().equals(c.type());
            String typed = sameType ? expression : "CAST(" + expression + " AS " + c.type() + ")";
            targets.add(new ColumnMapping.Target(c.name(), c.type(), source, expression, typed, false));
            overriding |= c.isIdentityAlways();
        }
        List<String> newKeyTypes = new ArrayList<>();
        for (String key : forward.targetKey()) {
            newKeyTypes.add(forward.targets().stream().filter(t -> t.name().equals(key)).findFirst().orElseThrow()
                    .type());
        }
        for (String key : forward.sourceKey()) {
            if (targets.stream().noneMatch(t -> t.name().equals(key) && t.copied())) {
                return none("key column " + key + " of the old table has no value from the new table");
            }
        }
        return new InverseMapping(new ColumnMapping(targets, forward.targetKey(), newKeyTypes, forward.sourceKey(),
                overriding), List.copyOf(checks), null);
    }

    public static InverseMapping none(String reason) {
        return new InverseMapping(null, List.of(), reason);
    }

    /** One line per old column: how a revert fills it. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (ColumnMapping.Target t : mapping.targets()) {
            out.add(t.name() + " " + t.type() + "  <-  " + (t.generated() ? "(generated, recomputed)"
                    : t.expression() == null ? "(dropped by the change: kept, its default for new rows)"
                    : t.expression() + (t.typedExpression().startsWith("CAST(") && t.source() != null
                    && !t.expression().startsWith("(") ? " (cast back, checked row by row)" : "")));
        }
        return out;
    }
}
