package dev.doppel.engine.catalog;

import java.util.List;

/**
 * An index of a table. {@code constraintType} is 'p', 'u' or 'x' when a constraint owns the index, else 0;
 * {@code shape} is the definition without its name and table ("UNIQUE ... USING btree (id)"), for matching;
 * {@code ordersAsColumns}: a btree whose key columns are ascending, with their column's collation and their
 * type's default operator class, so that it serves {@code ORDER BY} its columns (the copy's keyset order).
 */
public record IndexInfo(String name, String definition, String shape, boolean unique, boolean usableAsKey,
                        List<String> columns, String constraintName, char constraintType, String constraintDefinition,
                        boolean ordersAsColumns) {

    public boolean ownedByConstraint() {
        return constraintType != 0;
    }
}
