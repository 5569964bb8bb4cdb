package dev.doppel.engine.plan;

import java.util.Objects;

/**
 * One subcommand of an ALTER TABLE, classified. Names are as PostgreSQL stores them (unquoted folded to lower
 * case, quoted kept exactly); expression and type texts are exactly as written. Fields that do not apply to the
 * kind are null.
 *
 * @param column            the column the subcommand adds, drops, alters or renames; for an ADD ... NOT NULL
 *                          constraint, its column
 * @param newName           the new name, for RENAME_COLUMN and RENAME_CONSTRAINT
 * @param constraint        the constraint's name, when given
 * @param constraintType    for ADD_CONSTRAINT
 * @param type              the data type, for ADD_COLUMN and ALTER_COLUMN_TYPE
 * @param using             the USING expression of ALTER_COLUMN_TYPE, when given
 * @param defaultExpression the expression of SET_DEFAULT
 * @param notValid          whether an ADD_CONSTRAINT says NOT VALID
 * @param text              the subcommand's source text, trimmed; what is sent to PostgreSQL
 */
public record Subcommand(Kind kind, String column, String newName, String constraint, ConstraintType constraintType,
                         String type, String using, String defaultExpression, boolean notValid, String text) {

    public enum Kind {
        ADD_COLUMN,
        DROP_COLUMN,
        ALTER_COLUMN_TYPE,
        SET_DEFAULT,
        DROP_DEFAULT,
        SET_NOT_NULL,
        DROP_NOT_NULL,
        ADD_IDENTITY,
        DROP_IDENTITY,
        SET_IDENTITY,
        DROP_EXPRESSION,
        SET_STATISTICS,
        SET_COLUMN_STORAGE,
        SET_COMPRESSION,
        RENAME_COLUMN,
        RENAME_CONSTRAINT,
        ADD_CONSTRAINT,
        DROP_CONSTRAINT,
        VALIDATE_CONSTRAINT,
        SET_STORAGE_PARAMETERS,
        RESET_STORAGE_PARAMETERS
    }

    public enum ConstraintType { CHECK, UNIQUE, PRIMARY_KEY, FOREIGN_KEY, EXCLUDE, NOT_NULL }

    public Subcommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }

    /** PostgreSQL accepts a RENAME only as a statement of its own, never in a list with other subcommands. */
    public boolean isRename() {
        return kind == Kind.RENAME_COLUMN || kind == Kind.RENAME_CONSTRAINT;
    }
}
