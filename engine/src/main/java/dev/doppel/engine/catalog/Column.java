package dev.doppel.engine.catalog;

/**
 * One live column as pg_attribute describes it.
 *
 * @param type       format_type() text, e.g. "numeric(12,2)"
 * @param identity   'a' (ALWAYS), 'd' (BY DEFAULT) or 0
 * @param generated  's' for a stored generated column, or 0
 */
public record Column(int attnum, String name, String type, boolean notNull, String defaultExpression,
                     char identity, char generated) {

    public boolean isGenerated() {
        return generated != 0;
    }

    public boolean isIdentityAlways() {
        return identity == 'a';
    }
}
