package dev.doppel.engine.plan;

import java.util.List;

/**
 * How each shadow column is filled from the source. Expressions are written over the source's column names, so
 * they evaluate the same against the source table and against the change log (whose key columns share the names).
 *
 * @param sourceKey      key columns of the source, in key order; the copy walks them and the log records them
 * @param sourceKeyTypes their types as format_type() prints them
 * @param targetKey      the shadow columns the source key maps to; a unique key of the shadow
 */
public record ColumnMapping(List<Target> targets, List<String> sourceKey, List<String> sourceKeyTypes,
                            List<String> targetKey, boolean overridingSystemValue) {

    /**
     * @param source          the source column this one is filled from, or null for a new column
     * @param expression      value from the source row as the INSERT assigns it, or null for a new column
     * @param typedExpression the same value cast explicitly to the target type, for comparisons and key mapping
     */
    public record Target(String name, String type, String source, String expression, String typedExpression,
                         boolean generated) {

        public boolean copied() {
            return expression != null && !generated;
        }
    }

    public List<Target> copied() {
        return targets.stream().filter(Target::copied).toList();
    }

    public List<Target> targetKeyTargets() {
        return targetKey.stream().map(k -> targets.stream().filter(t -> t.name().equals(k)).findFirst().orElseThrow())
                .toList();
    }
}
