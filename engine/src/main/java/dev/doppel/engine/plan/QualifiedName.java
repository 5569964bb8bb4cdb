package dev.doppel.engine.plan;

import java.util.Objects;

/**
 * A table name as the user wrote it, each part as PostgreSQL stores it (unquoted parts folded to lower case).
 *
 * @param schema null when the name was not schema-qualified
 */
public record QualifiedName(String schema, String name) {

    public QualifiedName {
        Objects.requireNonNull(name, "name");
    }
}
