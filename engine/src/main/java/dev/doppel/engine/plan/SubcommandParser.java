package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.plan.Subcommand.ConstraintType;
import dev.doppel.engine.plan.Subcommand.Kind;

import java.util.List;
import java.util.Set;

/**
 * Classifies one ALTER TABLE subcommand by PostgreSQL's grammar (gram.y, alter_table_cmd) and pulls out its names
 * and texts. Expressions, types and constraint bodies are only delimited, not checked: PostgreSQL parses them when
 * the subcommand runs.
 */
final class SubcommandParser {

    static final String SUPPORTED = """
              ADD [COLUMN] [IF NOT EXISTS] name type [column constraints]
              DROP [COLUMN] [IF EXISTS] name [RESTRICT | CASCADE]
              ALTER [COLUMN] name [SET DATA] TYPE type [COLLATE collation] [USING expression]
              ALTER [COLUMN] name SET DEFAULT expression | DROP DEFAULT | SET NOT NULL | DROP NOT NULL
              ALTER [COLUMN] name ADD GENERATED ... AS IDENTITY | SET GENERATED ... | RESTART | DROP IDENTITY
              ALTER [COLUMN] name DROP EXPRESSION | SET STATISTICS n | SET STORAGE mode | SET COMPRESSION method
              RENAME [COLUMN] name TO new_name
              ADD [CONSTRAINT name] CHECK | UNIQUE | PRIMARY KEY | FOREIGN KEY | EXCLUDE | NOT NULL ... [NOT VALID]
              DROP CONSTRAINT [IF EXISTS] name [RESTRICT | CASCADE]
              VALIDATE CONSTRAINT name
              RENAME CONSTRAINT name TO new_name
              SET ( storage_parameter = value [, ...] )
              RESET ( storage_parameter [, ...] )""";

    /** Reserved words that start a column constraint, so they end the type of an added column. */
    private static final Set<String> COLUMN_CLAUSES = Set.of(
            "not", "null", "default", "constraint", "check", "unique", "primary", "references", "collate");
    /** Unreserved words that start a column clause; being unreserved, they may also be a type's own name. */
    private static final Set<String> UNRESERVED_COLUMN_CLAUSES = Set.of(
            "generated", "storage", "compression", "options");
    /** Words that may follow SET among an identity column's options (SeqOptElem). */
    private static final Set<String> SEQUENCE_OPTIONS = Set.of(
            "as", "cache", "cycle", "increment", "logged", "maxvalue", "minvalue", "no", "owned", "restart",
            "sequence", "start", "unlogged");

    private final TokenCursor in;
    private final String text;

    private SubcommandParser(String sql, List<Token> tokens) {
        this.in = new TokenCursor(sql, tokens);
        this.text = in.text(0, tokens.size());
    }

    /** @param tokens the subcommand's tokens: not empty, brackets balanced */
    static Subcommand parse(String sql, List<Token> tokens) {
        return new SubcommandParser(sql, tokens).parse();
    }

    private Subcommand parse() {
        if (in.accept("add")) {
            return add();
        }
        if (in.accept("drop")) {
            return drop();
        }
        if (in.at("alter") && !in.at("alter", "constraint")) {
            in.accept("alter");
            return alterColumn();
        }
        if (in.at("rename") && !in.at("rename", "to")) {
            in.accept("rename");
            return rename();
        }
        if (in.accept("validate", "constraint")) {
            String constraint = in.name("a constraint name");
            in.expectEnd();
            return constraint(Kind.VALIDATE_CONSTRAINT, constraint);
        }
        if (in.at("set") && isParenthesisAt(1)) {
            return storageParameters(Kind.SET_STORAGE_PARAMETERS);
        }
        if (in.at("reset") && isParenthesisAt(1)) {
            return storageParameters(Kind.RESET_STORAGE_PARAMETERS);
        }
        throw unsupported();
    }

    private Subcommand add() {
        if (!in.accept("column") && atTableConstraint()) {
            return addConstraint();
        }
        in.accept("if", "not", "exists");
        String column = in.name("a column name");
        int typeStart = in.index();
        while (!in.atEnd() && !endsColumnType(typeStart)) {
            in.skip();
        }
        if (in.index() == typeStart) {
            throw in.expected("a data type for column " + column);
        }
        String type = in.text(typeStart, in.index());
        return new Subcommand(Kind.ADD_COLUMN, column, null, null, null, type, null, null, false, text);
    }

    /** EXCLUDE is unreserved, so "ADD exclude int" adds a column; the constraint goes on with USING or '('. */
    private boolean atTableConstraint() {
        return in.at("constraint") || in.at("check") || in.at("unique") || in.at("primary") || in.at("foreign")
                || in.at("not")
                || in.at("exclude") && (isParenthesisAt(1) || in.peek(1) != null && in.peek(1).is("using"));
    }

    private boolean endsColumnType(int typeStart) {
        Token token = in.peek(0);
        if (token.kind() != Token.Kind.IDENTIFIER) {
            return false;
        }
        if (COLUMN_CLAUSES.contains(token.value())) {
            return true;
        }
        return UNRESERVED_COLUMN_CLAUSES.contains(token.value()) && in.index() > typeStart
                && in.peek(-1).kind() != Token.Kind.DOT;
    }

    private Subcommand addConstraint() {
        String constraint = in.accept("constraint") ? in.name("a constraint name") : null;
        String column = null;
        ConstraintType type;
        if (in.accept("check")) {
            type = ConstraintType.CHECK;
        } else if (in.accept("unique")) {
            type = ConstraintType.UNIQUE;
            rejectExistingIndex();
        } else if (in.accept("primary", "key")) {
            type = ConstraintType.PRIMARY_KEY;
            rejectExistingIndex();
        } else if (in.accept("foreign", "key")) {
            type = ConstraintType.FOREIGN_KEY;
        } else if (in.accept("exclude")) {
            type = ConstraintType.EXCLUDE;
        } else if (in.accept("not", "null")) {
            type = ConstraintType.NOT_NULL;
            column = in.name("a column name");
        } else {
            throw in.expected("CHECK, UNIQUE, PRIMARY KEY, FOREIGN KEY, EXCLUDE or NOT NULL");
        }
        if (in.atEnd() && column == null) {
            throw in.expected("the definition of the " + type.name().replace('_', ' ') + " constraint");
        }
        boolean notValid = in.anywhereAhead("not", "valid");
        return new Subcommand(Kind.ADD_CONSTRAINT, column, null, constraint, type, null, null, null, notValid, text);
    }

    /** "UNIQUE USING INDEX idx" adopts an existing index, which the shadow table does not have. */
    private void rejectExistingIndex() {
        if (in.at("using", "index")) {
            throw new DoppelException(Reason.UNSUPPORTED_ALTER, "\"" + text + "\" turns an existing index into a"
                    + " constraint, but doppel builds a shadow copy of the table where that index does not exist."
                    + " Give the constraint's columns instead, e.g. ADD CONSTRAINT name UNIQUE (column, ...).");
        }
    }

    private Subcommand drop() {
        if (in.accept("constraint")) {
            in.accept("if", "exists");
            String constraint = in.name("a constraint name");
            dropBehaviorAndEnd();
            return constraint(Kind.DROP_CONSTRAINT, constraint);
        }
        in.accept("column");
        in.accept("if", "exists");
        String column = in.name("a column name");
        dropBehaviorAndEnd();
        return column(Kind.DROP_COLUMN, column);
    }

    private void dropBehaviorAndEnd() {
        if (!in.accept("restrict")) {
            in.accept("cascade");
        }
        in.expectEnd();
    }

    private Subcommand alterColumn() {
        in.accept("column");
        String column = in.name("a column name");
        boolean setData = in.accept("set", "data");
        if (setData) {
            in.expect("type");
        }
        if (setData || in.accept("type")) {
            return alterType(column);
        }
        if (in.accept("set", "default")) {
            String expression = in.rest("an expression after SET DEFAULT");
            return new Subcommand(Kind.SET_DEFAULT, column, null, null, null, null, null, expression, false, text);
        }
        if (in.accept("drop", "default")) {
            return columnAtEnd(Kind.DROP_DEFAULT, column);
        }
        if (in.accept("set", "not", "null")) {
            return columnAtEnd(Kind.SET_NOT_NULL, column);
        }
        if (in.accept("drop", "not", "null")) {
            return columnAtEnd(Kind.DROP_NOT_NULL, column);
        }
        if (in.accept("add", "generated")) {
            addIdentity();
            return column(Kind.ADD_IDENTITY, column);
        }
        if (in.at("set", "generated") || in.at("restart") || in.at("set") && isSequenceOptionAt(1)) {
            return column(Kind.SET_IDENTITY, column);
        }
        if (in.accept("drop", "identity")) {
            in.accept("if", "exists");
            return columnAtEnd(Kind.DROP_IDENTITY, column);
        }
        if (in.accept("drop", "expression")) {
            in.accept("if", "exists");
            return columnAtEnd(Kind.DROP_EXPRESSION, column);
        }
        if (in.accept("set", "statistics")) {
            statisticsTarget();
            return columnAtEnd(Kind.SET_STATISTICS, column);
        }
        if (in.accept("set", "storage")) {
            nameOrDefault("a storage mode (PLAIN, EXTERNAL, EXTENDED, MAIN or DEFAULT)");
            return columnAtEnd(Kind.SET_COLUMN_STORAGE, column);
        }
        if (in.accept("set", "compression")) {
            nameOrDefault("a compression method (pglz, lz4 or DEFAULT)");
            return columnAtEnd(Kind.SET_COMPRESSION, column);
        }
        throw unsupported();
    }

    private Subcommand alterType(String column) {
        int typeStart = in.index();
        while (!in.atEnd() && !in.at("collate") && !in.at("using")) {
            in.skip();
        }
        if (in.index() == typeStart) {
            throw in.expected("a data type for column " + column);
        }
        String type = in.text(typeStart, in.index());
        if (in.accept("collate")) {
            int collationStart = in.index();
            while (!in.atEnd() && !in.at("using")) {
                in.skip();
            }
            if (in.index() == collationStart) {
                throw in.expected("a collation after COLLATE");
            }
        }
        String using = in.accept("using") ? in.rest("an expression after USING") : null;
        return new Subcommand(Kind.ALTER_COLUMN_TYPE, column, null, null, null, type, using, null, false, text);
    }

    /** ADD GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY [ ( sequence options ) ] */
    private void addIdentity() {
        if (!in.accept("always") && !in.accept("by", "default")) {
            throw in.expected("ALWAYS or BY DEFAULT");
        }
        in.expect("as");
        in.expect("identity");
        if (isParenthesisAt(0)) {
            in.skip();
        }
    }

    /** An integer, optionally signed, or DEFAULT (PostgreSQL 17+). */
    private void statisticsTarget() {
        if (in.accept("default")) {
            return;
        }
        Token sign = in.peek(0);
        if (sign != null && sign.kind() == Token.Kind.OPERATOR && (sign.text().equals("-") || sign.text().equals("+"))) {
            in.skip();
        }
        if (!in.accept(Token.Kind.NUMBER)) {
            throw in.expected("a statistics target (an integer, or DEFAULT)");
        }
    }

    private void nameOrDefault(String what) {
        if (!in.accept("default")) {
            in.name(what);
        }
    }

    private Subcommand rename() {
        boolean constraint = in.accept("constraint");
        if (!constraint) {
            in.accept("column");
        }
        String from = in.name(constraint ? "a constraint name" : "a column name");
        in.expect("to");
        String to = in.name(constraint ? "the new constraint name" : "the new column name");
        in.expectEnd();
        return constraint
                ? new Subcommand(Kind.RENAME_CONSTRAINT, null, to, from, null, null, null, null, false, text)
                : new Subcommand(Kind.RENAME_COLUMN, from, to, null, null, null, null, null, false, text);
    }

    /** SET ( ... ) or RESET ( ... ): PostgreSQL checks the parameters themselves. */
    private Subcommand storageParameters(Kind kind) {
        in.skip();
        in.skip();
        in.expectEnd();
        return new Subcommand(kind, null, null, null, null, null, null, null, false, text);
    }

    private boolean isSequenceOptionAt(int ahead) {
        Token token = in.peek(ahead);
        return token != null && token.kind() == Token.Kind.IDENTIFIER && SEQUENCE_OPTIONS.contains(token.value());
    }

    private boolean isParenthesisAt(int ahead) {
        Token token = in.peek(ahead);
        return token != null && token.kind() == Token.Kind.LPAREN;
    }

    private Subcommand columnAtEnd(Kind kind, String column) {
        in.expectEnd();
        return column(kind, column);
    }

    private Subcommand column(Kind kind, String column) {
        return new Subcommand(kind, column, null, null, null, null, null, null, false, text);
    }

    private Subcommand constraint(Kind kind, String constraint) {
        return new Subcommand(kind, null, null, constraint, null, null, null, null, false, text);
    }

    private DoppelException unsupported() {
        return new DoppelException(Reason.UNSUPPORTED_ALTER,
                "doppel does not support the subcommand \"" + text + "\"; it supports:\n" + SUPPORTED);
    }
}
