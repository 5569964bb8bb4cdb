package dev.doppel.engine.plan;

/**
 * One lexical token of SQL text.
 *
 * @param text  the token exactly as written in the source
 * @param value what the token means: an identifier as PostgreSQL stores it (unquoted ones folded to lower case,
 *              quoted ones unescaped), a string's decoded content; for every other kind the same as {@code text}
 * @param start offset of the first character in the source (0-based)
 * @param end   offset just past the last character
 */
public record Token(Kind kind, String text, String value, int start, int end) {

    public enum Kind {
        /** Unquoted name or keyword; the parser decides which by context, as PostgreSQL's grammar does. */
        IDENTIFIER,
        QUOTED_IDENTIFIER,
        /** Any string literal: '...', E'...', B'...', X'...', N'...' or dollar-quoted. */
        STRING,
        NUMBER,
        OPERATOR,
        /** Positional parameter such as {@code $1}. */
        PARAMETER,
        LPAREN,
        RPAREN,
        LBRACKET,
        RBRACKET,
        COMMA,
        SEMICOLON,
        DOT,
        /** A lone ':' as in array slices; '::' and ':=' are operators. */
        COLON,
        /** A psql meta-command such as {@code \set} up to the end of its line; only in scripts. */
        META_COMMAND
    }

    /** True if this is the unquoted keyword {@code keyword} (given in lower case); a quoted name never is one. */
    public boolean is(String keyword) {
        return kind == Kind.IDENTIFIER && value.equals(keyword);
    }
}
