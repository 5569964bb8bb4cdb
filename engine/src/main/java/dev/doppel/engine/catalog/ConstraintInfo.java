package dev.doppel.engine.catalog;

/** A table constraint not backed by an index (CHECK, FOREIGN KEY, NOT NULL), with pg_get_constraintdef text. */
public record ConstraintInfo(String name, char type, String definition, boolean validated) {
}
