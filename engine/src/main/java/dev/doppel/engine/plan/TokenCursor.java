package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.plan.Token.Kind;

import java.util.List;

/** Reads a run of tokens front to back, matching keywords and names and reporting what it expected where. */
final class TokenCursor {

    private final String sql;
    private final List<Token> tokens;
    private int index;

    /** @param tokens a non-empty run of tokens of {@code sql} whose brackets are balanced */
    TokenCursor(String sql, List<Token> tokens) {
        this.sql = sql;
        this.tokens = tokens;
    }

    int index() {
        return index;
    }

    boolean atEnd() {
        return index >= tokens.size();
    }

    /** The token {@code ahead} places on (negative looks back), or null past either end. */
    Token peek(int ahead) {
        int i = index + ahead;
        return i >= 0 && i < tokens.size() ? tokens.get(i) : null;
    }

    boolean at(Kind kind) {
        return !atEnd() && tokens.get(index).kind() == kind;
    }

    /** True if the next tokens are these keywords, in order. */
    boolean at(String... keywords) {
        for (int i = 0; i < keywords.length; i++) {
            Token token = peek(i);
            if (token == null || !token.is(keywords[i])) {
                return false;
            }
        }
        return true;
    }

    /** Consumes the keywords if the next tokens are these, in order. */
    boolean accept(String... keywords) {
        if (!at(keywords)) {
            return false;
        }
        index += keywords.length;
        return true;
    }

    boolean accept(Kind kind) {
        if (!at(kind)) {
            return false;
        }
        index++;
        return true;
    }

    void expect(String keyword) {
        if (!accept(keyword)) {
            throw expected(keyword.toUpperCase());
        }
    }

    /** Consumes a column, constraint or table name: a quoted identifier, or an unquoted one that is no reserved word. */
    String name(String what) {
        Token token = peek(0);
        if (token == null || !(token.kind() == Kind.QUOTED_IDENTIFIER
                || token.kind() == Kind.IDENTIFIER && !ReservedWords.contains(token))) {
            throw expected(what);
        }
        index++;
        return token.value();
    }

    /** Moves past one token, or past a whole parenthesized or bracketed group. */
    void skip() {
        int depth = 0;
        do {
            Kind kind = tokens.get(index++).kind();
            if (kind == Kind.LPAREN || kind == Kind.LBRACKET) {
                depth++;
            } else if (kind == Kind.RPAREN || kind == Kind.RBRACKET) {
                depth--;
            }
        } while (depth > 0);
    }

    /** True if the keywords appear in order outside any brackets between here and the end. */
    boolean anywhereAhead(String... keywords) {
        int saved = index;
        try {
            while (!atEnd()) {
                if (at(keywords)) {
                    return true;
                }
                skip();
            }
            return false;
        } finally {
            index = saved;
        }
    }

    /** The source text of tokens [from, to), exactly as written. */
    String text(int from, int to) {
        return sql.substring(tokens.get(from).start(), tokens.get(to - 1).end());
    }

    /** Consumes the rest of the tokens, which must not be empty, and returns their source text. */
    String rest(String what) {
        if (atEnd()) {
            throw expected(what);
        }
        int from = index;
        index = tokens.size();
        return text(from, index);
    }

    void expectEnd() {
        if (!atEnd()) {
            throw expected("nothing more");
        }
    }

    DoppelException expected(String what) {
        Token token = peek(0);
        int at = token == null ? tokens.get(tokens.size() - 1).end() : token.start();
        String found;
        if (token == null) {
            found = "nothing more";
        } else if (ReservedWords.contains(token)) {
            found = "the reserved word " + token.text().toUpperCase()
                    + " (write \"" + token.value() + "\" in double quotes if it is a name)";
        } else {
            found = "\"" + token.text() + "\"";
        }
        return new DoppelException(Reason.UNPARSABLE_ALTER, "expected " + what + " at character " + (at + 1)
                + " in \"" + text(0, tokens.size()) + "\", found " + found);
    }
}
