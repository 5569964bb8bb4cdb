package dev.doppel.engine.batch;

import dev.doppel.engine.Reason;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.plan.SqlTokenizer;
import dev.doppel.engine.plan.Token;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the job's SQL text before it goes into a statement: one expression or SET list, nothing that could end
 * the statement or join other tables into it. PostgreSQL itself checks the rest (names, types) on a plan of the
 * batch before anything changes.
 */
final class JobText {

    private static final Set<String> SET_STOPS = Set.of("from", "where", "returning");

    private JobText() {
    }

    /** The columns a {@code col = expr, ...} list assigns, as PostgreSQL stores their names. */
    static List<String> assigned(String set) {
        List<Token> tokens = tokens(set, "--set");
        List<String> columns = new ArrayList<>();
        int depth = 0;
        boolean expectColumn = true;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (expectColumn) {
                boolean named = t.kind() == Token.Kind.IDENTIFIER || t.kind() == Token.Kind.QUOTED_IDENTIFIER;
                if (!named || i + 1 >= tokens.size() || !tokens.get(i + 1).text().equals("=")) {
                    throw invalid("--set is a list of column = expression, e.g. \"slug = lower(title)\"; got '"
                            + set.strip() + "'");
                }
                columns.add(t.value());
                expectColumn = false;
                i++;
                continue;
            }
            depth += depth(t);
            if (depth == 0 && t.kind() == Token.Kind.COMMA) {
                expectColumn = true;
            } else if (depth == 0 && t.kind() == Token.Kind.IDENTIFIER && SET_STOPS.contains(t.value())) {
                throw invalid("--set takes expressions only; '" + t.text() + "' would change the statement. Put"
                        + " the condition in --where, and read other tables in a subquery");
            }
        }
        if (expectColumn) {
            throw invalid("--set ends without an expression: '" + set.strip() + "'");
        }
        return columns;
    }

    /** The names the predicate reads (columns among them), for the plan's index check. */
    static Set<String> names(String where) {
        Set<String> names = new LinkedHashSet<>();
        for (Token t : tokens(where, "--where")) {
            if (t.kind() == Token.Kind.IDENTIFIER || t.kind() == Token.Kind.QUOTED_IDENTIFIER) {
                names.add(t.value());
            }
        }
        return names;
    }

    private static List<Token> tokens(String text, String what) {
        List<Token> tokens;
        try {
            tokens = SqlTokenizer.tokenize(text);
        } catch (DoppelException e) {
            throw invalid(what + " is not valid SQL: " + e.getMessage());
        }
        int depth = 0;
        for (Token t : tokens) {
            if (t.kind() == Token.Kind.SEMICOLON) {
                throw invalid(what + " holds a ';': give one expression, not statements");
            }
            depth += depth(t);
            if (depth < 0) {
                throw invalid(what + " closes a parenthesis it did not open: '" + text.strip() + "'");
            }
        }
        if (depth != 0) {
            throw invalid(what + " leaves a parenthesis open: '" + text.strip() + "'");
        }
        if (tokens.isEmpty()) {
            throw invalid(what + " is empty");
        }
        return tokens;
    }

    private static int depth(Token t) {
        return switch (t.kind()) {
            case LPAREN, LBRACKET -> 1;
            case RPAREN, RBRACKET -> -1;
            default -> 0;
        };
    }

    static DoppelException invalid(String message) {
        return new DoppelException(Reason.INVALID_JOB, message + "; nothing was changed");
    }
}
