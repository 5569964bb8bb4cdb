package dev.doppel.engine.script;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.plan.QualifiedName;
import dev.doppel.engine.plan.Token;
import dev.doppel.engine.plan.Token.Kind;
import dev.doppel.engine.plan.TokenCursor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a statement is, read from its first words: enough to know the lock it takes and on which table. ALTER TABLE
 * goes through the engine's own {@link AlterParser}, so lint and apply see its subcommands exactly as {@code plan}
 * and {@code run} do.
 *
 * @param type         the kind of statement
 * @param table        the table it locks, when it names one
 * @param name         the index of CREATE/DROP INDEX (null for an unnamed CREATE INDEX), the parameter of SET
 * @param concurrently whether it says CONCURRENTLY (indexes, REINDEX, REFRESH MATERIALIZED VIEW)
 * @param unique       CREATE UNIQUE INDEX; for SET, SET LOCAL (in force only to the end of the transaction)
 * @param detail       SET: the value; VACUUM: "full" for VACUUM FULL; UPDATE/DELETE: "all rows" without WHERE;
 *                     DROP INDEX: "cascade" or "several" when CONCURRENTLY cannot be added
 * @param alter        ALTER TABLE parsed into subcommands, or null
 * @param alterProblem why {@link AlterParser} could not take an ALTER TABLE (an unsupported subcommand), or null
 */
public record StatementShape(Type type, QualifiedName table, String name, boolean concurrently, boolean unique,
                             String detail, AlterChange alter, String alterProblem) {

    public enum Type {
        BEGIN, COMMIT, ROLLBACK, SET, ALTER_TABLE, CREATE_INDEX, DROP_INDEX, CREATE_TABLE, DROP_TABLE, TRUNCATE,
        REINDEX, VACUUM, CLUSTER, REFRESH_MATERIALIZED_VIEW, CREATE_TRIGGER, LOCK, INSERT, UPDATE, DELETE,
        META_COMMAND, OTHER
    }

    public static StatementShape of(ScriptStatement statement) {
        if (statement.isMetaCommand()) {
            return simple(Type.META_COMMAND, null);
        }
        try {
            return read(statement);
        } catch (DoppelException | IndexOutOfBoundsException e) {
            // Grammar the first words do not fit (PostgreSQL will judge it): no table, no known lock.
            return simple(Type.OTHER, null);
        }
    }

    private static StatementShape read(ScriptStatement statement) {
        TokenCursor in = new TokenCursor(statement.text(), rebased(statement));
        if (in.accept("begin") || in.accept("start", "transaction")) {
            return simple(Type.BEGIN, null);
        }
        if (in.accept("commit") || in.accept("end")) {
            return simple(Type.COMMIT, null);
        }
        if (in.accept("rollback") || in.accept("abort")) {
            return simple(Type.ROLLBACK, null);
        }
        if (in.accept("set")) {
            in.accept("session");
            boolean local = in.accept("local");
            if (in.atEnd()) {
                return simple(Type.SET, null);
            }
            String parameter = in.peek(0).value().toLowerCase(Locale.ROOT);
            in.skip();
            in.accept("to");
            if (!in.atEnd() && in.peek(0).kind() == Kind.OPERATOR && in.peek(0).text().equals("=")) {
                in.skip();
            }
            String value = in.atEnd() ? "" : in.rest("a value");
            return new StatementShape(Type.SET, null, parameter, false, local, value, null, null);
        }
        if (in.at("alter", "table")) {
            return alterTable(statement.text(), in);
        }
        if (in.accept("create")) {
            return create(in);
        }
        if (in.accept("drop", "index")) {
            return dropIndex(in);
        }
        if (in.accept("drop", "table")) {
            in.accept("if", "exists");
            return simple(Type.DROP_TABLE, tableName(in));
        }
        if (in.accept("truncate")) {
            in.accept("table");
            in.accept("only");
            return simple(Type.TRUNCATE, tableName(in));
        }
        if (in.accept("reindex")) {
            boolean concurrently = in.anywhereAhead("concurrently");
            return new StatementShape(Type.REINDEX, null, null, concurrently, false, null, null, null);
        }
        if (in.accept("vacuum")) {
            boolean full = in.at("full") || in.peek(0) != null && in.peek(0).kind() == Kind.LPAREN
                    && statement.text().toLowerCase(Locale.ROOT).matches("(?s)vacuum\\s*\\([^)]*\\bfull\\b.*");
            return new StatementShape(Type.VACUUM, null, null, false, false, full ? "full" : null, null, null);
        }
        if (in.accept("cluster")) {
            in.accept("verbose");
            return simple(Type.CLUSTER, in.atEnd() ? null : tableName(in));
        }
        if (in.accept("refresh", "materialized", "view")) {
            boolean concurrently = in.accept("concurrently");
            return new StatementShape(Type.REFRESH_MATERIALIZED_VIEW, tableName(in), null, concurrently, false, null,
                    null, null);
        }
        if (in.accept("lock")) {
            in.accept("table");
            in.accept("only");
            return simple(Type.LOCK, tableName(in));
        }
        if (in.accept("insert", "into")) {
            return simple(Type.INSERT, tableName(in));
        }
        if (in.accept("update")) {
            in.accept("only");
            return new StatementShape(Type.UPDATE, tableName(in), null, false, false,
                    in.anywhereAhead("where") ? null : "all rows", null, null);
        }
        if (in.accept("delete", "from")) {
            in.accept("only");
            return new StatementShape(Type.DELETE, tableName(in), null, false, false,
                    in.anywhereAhead("where") ? null : "all rows", null, null);
        }
        return simple(Type.OTHER, null);
    }

    /** What the statement is, in words, for reports. */
    public String describe() {
        return type.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    public boolean isTransactionControl() {
        return type == Type.BEGIN || type == Type.COMMIT || type == Type.ROLLBACK;
    }

    private static StatementShape simple(Type type, QualifiedName table) {
        return new StatementShape(type, table, null, false, false, null, null, null);
    }

    private static StatementShape alterTable(String text, TokenCursor in) {
        in.accept("alter", "table");
        in.accept("if", "exists");
        in.accept("only");
        QualifiedName table = tableName(in);
        try {
            return new StatementShape(Type.ALTER_TABLE, table, null, false, false, null, AlterParser.parse(text), null);
        } catch (DoppelException e) {
            return new StatementShape(Type.ALTER_TABLE, table, null, false, false, null, null, e.getMessage());
        }
    }

    private static StatementShape create(TokenCursor in) {
        in.accept("or", "replace");
        boolean unique = in.accept("unique");
        if (in.accept("index")) {
            return createIndex(in, unique);
        }
        if (tableQualifiers(in) && in.accept("table")) {
            in.accept("if", "not", "exists");
            return simple(Type.CREATE_TABLE, tableName(in));
        }
        in.accept("constraint");
        if (in.accept("trigger")) {
            while (!in.atEnd() && !in.at("on")) {
                in.skip();
            }
            return in.accept("on") ? simple(Type.CREATE_TRIGGER, tableName(in)) : simple(Type.OTHER, null);
        }
        return simple(Type.OTHER, null);
    }

    private static StatementShape createIndex(TokenCursor in, boolean unique) {
        boolean concurrently = in.accept("concurrently");
        in.accept("if", "not", "exists");
        String name = in.at("on") ? null : in.name("an index name");
        in.expect("on");
        in.accept("only");
        return new StatementShape(Type.CREATE_INDEX, tableName(in), name, concurrently, unique, null, null, null);
    }

    /** Skips TEMPORARY, UNLOGGED and the like before TABLE; true when only those came before it. */
    private static boolean tableQualifiers(TokenCursor in) {
        boolean qualifier = true;
        while (qualifier) {
            qualifier = in.accept("temporary") || in.accept("temp") || in.accept("unlogged") || in.accept("global")
                    || in.accept("local");
        }
        return in.at("table");
    }

    private static StatementShape dropIndex(TokenCursor in) {
        boolean concurrently = in.accept("concurrently");
        in.accept("if", "exists");
        QualifiedName first = tableName(in);
        List<QualifiedName> names = new ArrayList<>(List.of(first));
        while (in.accept(Kind.COMMA)) {
            names.add(tableName(in));
        }
        String detail = names.size() > 1 ? "several" : in.accept("cascade") ? "cascade" : null;
        return new StatementShape(Type.DROP_INDEX, first, first.name(), concurrently, false, detail, null, null);
    }

    /** [schema.]name; the index of DROP INDEX too, whose schema is where PostgreSQL looks for it. */
    private static QualifiedName tableName(TokenCursor in) {
        if (in.atEnd()) {
            return null;
        }
        try {
            String first = in.name("a name");
            return in.accept(Kind.DOT) ? new QualifiedName(first, in.name("a name after the schema name"))
                    : new QualifiedName(null, first);
        } catch (DoppelException e) {
            return null;
        }
    }

    /** The statement's tokens with offsets into its own text, as {@link TokenCursor} reads them. */
    private static List<Token> rebased(ScriptStatement statement) {
        int base = statement.tokens().get(0).start();
        return statement.tokens().stream().map(t -> new Token(t.kind(), t.text(), t.value(), t.start() - base,
                t.end() - base)).toList();
    }
}
