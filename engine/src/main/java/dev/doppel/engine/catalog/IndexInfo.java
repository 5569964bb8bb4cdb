package dev.doppel.engine.catalog;

import java.util.List;

/**
 * An index of a table. {@code constraintType} is 'p', 'u' or 'x' when a constraint owns the index, else 0;
 * {@code shape} is the definition without its name and table ("UNIQUE ... USING btree (id)"), for matching.
 */
public record IndexInfo(String name, String definition, String shape, boolean unique, boolean usableAsKey,
                        List<String> columns, String constraintName, char constraintType, String constraintDefinition) {

    public boolean ownedByConstraint() {
        return constraintType != 0;
    }
}
