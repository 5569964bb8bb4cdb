package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.plan.Token.Kind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Parses the user's ALTER: the subcommands of one ALTER TABLE, optionally preceded by "ALTER TABLE [IF EXISTS]
 * [ONLY] name" and followed by one ';'.
 */
public final class AlterParser {

    private AlterParser() {
    }

    /**
     * @throws DoppelException "unparsable_alter" for text that is not a well-formed ALTER TABLE, "unsupported_alter"
     *                         for one doppel cannot carry out (another statement, an unsupported subcommand)
     */
    public static AlterChange parse(String alterText) {
        List<Token> tokens = withoutFinalSemicolon(SqlTokenizer.tokenize(alterText));
        if (tokens.isEmpty()) {
            throw new DoppelException(Reason.UNPARSABLE_ALTER,
                    "the ALTER is empty; give the subcommands of an ALTER TABLE, e.g. \"ADD COLUMN note text\"");
        }
        TokenCursor in = new TokenCursor(alterText, tokens);
        if (in.accept("repack")) {
            return AlterChange.repack(in.accept("order", "by") ? in.rest("the ORDER BY columns after REPACK ORDER BY")
                    : expectNothingMore(in));
        }
        if (in.accept("unpartition")) {
            in.expectEnd();
            return AlterChange.unpartition();
        }
        if (in.accept("partition", "by")) {
            return partitioning(in);
        }
        QualifiedName table = in.accept("alter", "table") ? tableName(in) : null;
        if (in.atEnd() || in.at(Kind.DOT)) {
            throw in.expected("a subcommand after the table name");
        }
        List<Subcommand> subcommands = new ArrayList<>();
        for (List<Token> part : splitAtTopLevelCommas(tokens.subList(in.index(), tokens.size()))) {
            subcommands.add(SubcommandParser.parse(alterText, part));
        }
        return new AlterChange(subcommands, table);
    }

    /** "PARTITION BY <key> PARTITIONS '<spec>'", after "PARTITION BY": the spec is one string literal. */
    private static AlterChange partitioning(TokenCursor in) {
        int from = in.index();
        while (!in.atEnd() && !in.at("partitions")) {
            in.skip();
        }
        if (in.index() == from || in.atEnd()) {
            throw in.expected("the partition key and PARTITIONS '<spec>' after PARTITION BY");
        }
        String key = in.text(from, in.index());
        in.expect("partitions");
        Token spec = in.peek(0);
        if (spec == null || spec.kind() != Kind.STRING) {
            throw in.expected("the partitions as a string after PARTITIONS");
        }
        in.skip();
        in.expectEnd();
        return AlterChange.partition(new Partitioning(key, spec.value()));
    }

    private static String expectNothingMore(TokenCursor in) {
        in.expectEnd();
        return null;
    }

    /** A ';' may end the ALTER, but nothing may follow one: that would be a second statement. */
    private static List<Token> withoutFinalSemicolon(List<Token> tokens) {
        for (int i = 0; i < tokens.size() - 1; i++) {
            Token token = tokens.get(i);
            if (token.kind() == Kind.SEMICOLON) {
                throw new DoppelException(Reason.UNSUPPORTED_ALTER, "the ALTER contains more than one statement: text"
                        + " follows the ';' at character " + (token.start() + 1) + ". Give the subcommands of a"
                        + " single ALTER TABLE, separated by commas.");
            }
        }
        boolean finalSemicolon = !tokens.isEmpty() && tokens.get(tokens.size() - 1).kind() == Kind.SEMICOLON;
        return finalSemicolon ? tokens.subList(0, tokens.size() - 1) : tokens;
    }

    /** ALTER TABLE [IF EXISTS] [ONLY] [schema.]name [*], after "ALTER TABLE". */
    private static QualifiedName tableName(TokenCursor in) {
        in.accept("if", "exists");
        in.accept("only");
        String first = in.name("a table name");
        QualifiedName name = in.accept(Kind.DOT)
                ? new QualifiedName(first, in.name("a table name after the schema name"))
                : new QualifiedName(null, first);
        // "name *" is the old spelling of "name and its descendants", the default.
        Token star = in.peek(0);
        if (star != null && star.kind() == Kind.OPERATOR && star.text().equals("*")) {
            in.skip();
        }
        return name;
    }

    /** Commas inside brackets separate arguments, not subcommands; strings and comments are already single tokens. */
    private static List<List<Token>> splitAtTopLevelCommas(List<Token> tokens) {
        List<List<Token>> parts = new ArrayList<>();
        Deque<Token> open = new ArrayDeque<>();
        int from = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            switch (token.kind()) {
                case LPAREN, LBRACKET -> open.push(token);
                case RPAREN, RBRACKET -> {
                    Kind opening = token.kind() == Kind.RPAREN ? Kind.LPAREN : Kind.LBRACKET;
                    if (open.isEmpty() || open.peek().kind() != opening) {
                        throw unparsable("'" + token.text() + "' at character " + (token.start() + 1)
                                + " has no matching opening bracket");
                    }
                    open.pop();
                }
                case COMMA -> {
                    if (open.isEmpty()) {
                        parts.add(part(tokens, from, i, token));
                        from = i + 1;
                    }
                }
                default -> {
                }
            }
        }
        if (!open.isEmpty()) {
            Token unclosed = open.peek();
            throw unparsable("'" + unclosed.text() + "' at character " + (unclosed.start() + 1) + " is never closed");
        }
        parts.add(part(tokens, from, tokens.size(), tokens.get(tokens.size() - 1)));
        return parts;
    }

    private static List<Token> part(List<Token> tokens, int from, int to, Token comma) {
        if (from == to) {
            throw unparsable("empty subcommand at the ',' at character " + (comma.start() + 1));
        }
        return tokens.subList(from, to);
    }

    private static DoppelException unparsable(String message) {
        return new DoppelException(Reason.UNPARSABLE_ALTER, message);
    }
}
