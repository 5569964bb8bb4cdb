package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.plan.Token.Kind;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Splits SQL text into tokens by the rules of PostgreSQL's lexer (scan.l), so that where a string, quoted name,
 * comment or parenthesis starts and ends is exactly where the server will see it. Comments and whitespace are
 * dropped. Assumes {@code standard_conforming_strings = on}, the default since PostgreSQL 9.1.
 */
public final class SqlTokenizer {

    private static final String OPERATOR_CHARS = "~!@#^&|`?+-*/%<>=";
    /** An operator containing one of these may end in '+' or '-'; otherwise "=-" lexes as "=" and "-". */
    private static final String NON_SQL_OPERATOR_CHARS = "~!@#^&|`?%";
    /** NAMEDATALEN - 1: PostgreSQL truncates longer names to this many bytes. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    private final String sql;
    private int pos;

    private SqlTokenizer(String sql) {
        this.sql = sql;
    }

    /** @throws DoppelException "unparsable_alter" for text PostgreSQL's lexer would reject */
    public static List<Token> tokenize(String sql) {
        return new SqlTokenizer(sql).run();
    }

    private List<Token> run() {
        List<Token> tokens = new ArrayList<>();
        while (skipSpaceAndComments()) {
            tokens.add(next());
        }
        return List.copyOf(tokens);
    }

    /** Returns whether a token follows. */
    private boolean skipSpaceAndComments() {
        while (pos < sql.length()) {
            if (isSpace(sql.charAt(pos))) {
                pos++;
            } else if (sql.startsWith("--", pos)) {
                pos = endOfLine(pos);
            } else if (sql.startsWith("/*", pos)) {
                skipBlockComment();
            } else {
                return true;
            }
        }
        return false;
    }

    /** Block comments nest in PostgreSQL, unlike the SQL standard. */
    private void skipBlockComment() {
        int start = pos;
        int depth = 0;
        while (pos < sql.length()) {
            if (sql.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (sql.startsWith("*/", pos)) {
                pos += 2;
                if (--depth == 0) {
                    return;
                }
            } else {
                pos++;
            }
        }
        throw error("unterminated /* comment starting at character " + (start + 1));
    }

    private Token next() {
        int start = pos;
        char c = sql.charAt(pos);
        if (isIdentifierStart(c)) {
            return prefixedStringOrIdentifier(start, c);
        }
        // ".." (PL/pgSQL ranges) is one token, so "1..10" reads as 1, "..", 10.
        if (sql.startsWith("..", pos)) {
            pos += 2;
            return token(Kind.OPERATOR, start, "..");
        }
        if (isDigit(c) || c == '.' && isDigitAt(pos + 1)) {
            return number(start);
        }
        return switch (c) {
            case '\'' -> quotedString(start, start + 1, false);
            case '"' -> quotedIdentifier(start);
            case '$' -> dollar(start);
            case '(' -> single(Kind.LPAREN);
            case ')' -> single(Kind.RPAREN);
            case '[' -> single(Kind.LBRACKET);
            case ']' -> single(Kind.RBRACKET);
            case ',' -> single(Kind.COMMA);
            case ';' -> single(Kind.SEMICOLON);
            case '.' -> single(Kind.DOT);
            case ':' -> colon(start);
            default -> {
                if (OPERATOR_CHARS.indexOf(c) < 0) {
                    throw error("unexpected character '" + c + "' at character " + (start + 1));
                }
                yield operator(start);
            }
        };
    }

    /** "::" (cast) and ":=" are operators; a lone ':' separates array slice bounds. */
    private Token colon(int start) {
        if (sql.startsWith("::", pos) || sql.startsWith(":=", pos)) {
            pos += 2;
            return token(Kind.OPERATOR, start, sql.substring(start, pos));
        }
        return single(Kind.COLON);
    }

    private Token prefixedStringOrIdentifier(int start, char c) {
        char following = pos + 1 < sql.length() ? sql.charAt(pos + 1) : 0;
        if (following == '\'' && (c == 'e' || c == 'E')) {
            return quotedString(start, start + 2, true);
        }
        if (following == '\'' && "bBxXnN".indexOf(c) >= 0) {
            return quotedString(start, start + 2, false);
        }
        if (following == '&' && (c == 'u' || c == 'U') && pos + 2 < sql.length()
                && (sql.charAt(pos + 2) == '\'' || sql.charAt(pos + 2) == '"')) {
            throw error("Unicode escapes (U&'...' and U&\"...\") are not supported, at character " + (start + 1)
                    + "; write the characters themselves");
        }
        int end = scan(start + 1, SqlTokenizer::isIdentifierPart);
        pos = end;
        String text = sql.substring(start, end);
        return new Token(Kind.IDENTIFIER, text, truncate(foldCase(text)), start, end);
    }

    /**
     * A '...' string, or E'...' when {@code backslashEscapes}. Strings separated only by whitespace that contains a
     * newline are one string, as the SQL standard says.
     */
    private Token quotedString(int start, int bodyStart, boolean backslashEscapes) {
        StringBuilder raw = new StringBuilder();
        int from = bodyStart;
        while (true) {
            int close = closingQuote(from, backslashEscapes);
            if (close < 0) {
                throw error("unterminated quoted string starting at character " + (start + 1));
            }
            raw.append(sql, from, close);
            int continued = continuation(close + 1);
            if (continued < 0) {
                pos = close + 1;
                break;
            }
            from = continued + 1;
        }
        String value = backslashEscapes
                ? EscapeStringDecoder.decode(raw.toString(), start)
                : raw.toString().replace("''", "'");
        return token(Kind.STRING, start, value);
    }

    private int closingQuote(int from, boolean backslashEscapes) {
        for (int i = from; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\\' && backslashEscapes) {
                i++;
            } else if (c == '\'') {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The offset of the quote that continues a string after {@code from}, or -1. */
    private int continuation(int from) {
        boolean newline = false;
        int i = from;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (isSpace(c)) {
                newline |= c == '\n' || c == '\r';
                i++;
            } else if (sql.startsWith("--", i)) {
                i = endOfLine(i);
            } else {
                break;
            }
        }
        return newline && i < sql.length() && sql.charAt(i) == '\'' ? i : -1;
    }

    private Token quotedIdentifier(int start) {
        StringBuilder name = new StringBuilder();
        int from = start + 1;
        while (true) {
            int quote = sql.indexOf('"', from);
            if (quote < 0) {
                throw error("unterminated quoted identifier starting at character " + (start + 1));
            }
            name.append(sql, from, quote);
            if (quote + 1 < sql.length() && sql.charAt(quote + 1) == '"') {
                name.append('"');
                from = quote + 2;
            } else {
                pos = quote + 1;
                break;
            }
        }
        if (name.isEmpty()) {
            throw error("zero-length quoted identifier \"\" at character " + (start + 1));
        }
        return token(Kind.QUOTED_IDENTIFIER, start, truncate(name.toString()));
    }

    /** A parameter ($1) or a dollar-quoted string ($$...$$, $tag$...$tag$). */
    private Token dollar(int start) {
        if (isDigitAt(start + 1)) {
            pos = scan(start + 1, SqlTokenizer::isDigit);
            rejectTrailingJunk("parameter", start);
            return token(Kind.PARAMETER, start, sql.substring(start, pos));
        }
        int tagEnd = start + 1;
        if (tagEnd < sql.length() && isIdentifierStart(sql.charAt(tagEnd))) {
            tagEnd = scan(tagEnd + 1, c -> c != '$' && isIdentifierPart(c));
        }
        if (tagEnd >= sql.length() || sql.charAt(tagEnd) != '$') {
            throw error("unexpected character '$' at character " + (start + 1));
        }
        String delimiter = sql.substring(start, tagEnd + 1);
        int close = sql.indexOf(delimiter, tagEnd + 1);
        if (close < 0) {
            throw error("unterminated dollar-quoted string starting at character " + (start + 1)
                    + ": no closing " + delimiter);
        }
        pos = close + delimiter.length();
        return token(Kind.STRING, start, sql.substring(tagEnd + 1, close));
    }

    private Token number(int start) {
        if (sql.charAt(start) == '0' && start + 1 < sql.length()) {
            IntPredicate digit = switch (sql.charAt(start + 1)) {
                case 'x', 'X' -> c -> Character.digit(c, 16) >= 0;
                case 'o', 'O' -> c -> c >= '0' && c <= '7';
                case 'b', 'B' -> c -> c == '0' || c == '1';
                default -> null;
            };
            int end = digit == null ? -1 : digits(start + 2, digit, true);
            if (end > start + 2) {
                pos = end;
                rejectTrailingJunk("numeric literal", start);
                return token(Kind.NUMBER, start, sql.substring(start, pos));
            }
        }
        int end = digits(start, SqlTokenizer::isDigit, false);
        // "1..10" is an integer followed by "..", not "1." followed by ".10".
        if (end < sql.length() && sql.charAt(end) == '.' && !sql.startsWith("..", end)) {
            end = digits(end + 1, SqlTokenizer::isDigit, false);
        }
        if (end < sql.length() && (sql.charAt(end) == 'e' || sql.charAt(end) == 'E')) {
            int exponent = end + 1;
            if (exponent < sql.length() && (sql.charAt(exponent) == '+' || sql.charAt(exponent) == '-')) {
                exponent++;
            }
            int exponentEnd = digits(exponent, SqlTokenizer::isDigit, false);
            if (exponentEnd == exponent) {
                throw error("trailing junk after numeric literal at character " + (start + 1));
            }
            end = exponentEnd;
        }
        pos = end;
        rejectTrailingJunk("numeric literal", start);
        return token(Kind.NUMBER, start, sql.substring(start, pos));
    }

    /** Digits with single '_' separators (PostgreSQL 16+); after a radix prefix a leading '_' is allowed too. */
    private int digits(int from, IntPredicate digit, boolean leadingUnderscore) {
        int end = from;
        while (true) {
            int i = end;
            if (i < sql.length() && sql.charAt(i) == '_' && (leadingUnderscore || i > from)) {
                i++;
            }
            if (i < sql.length() && digit.test(sql.charAt(i))) {
                end = i + 1;
            } else {
                return end;
            }
        }
    }

    /** PostgreSQL 15+ rejects "123abc" instead of reading it as "123 abc". */
    private void rejectTrailingJunk(String what, int start) {
        if (pos < sql.length() && isIdentifierStart(sql.charAt(pos))) {
            throw error("trailing junk after " + what + " at character " + (start + 1));
        }
    }

    private Token operator(int start) {
        String op = sql.substring(start, scan(start, c -> OPERATOR_CHARS.indexOf(c) >= 0));
        int comment = firstCommentStart(op);
        if (comment > 0) {
            op = op.substring(0, comment);
        }
        if (op.length() > 1 && endsInPlusOrMinus(op) && op.chars().noneMatch(c -> NON_SQL_OPERATOR_CHARS.indexOf(c) >= 0)) {
            while (op.length() > 1 && endsInPlusOrMinus(op)) {
                op = op.substring(0, op.length() - 1);
            }
        }
        pos = start + op.length();
        return token(Kind.OPERATOR, start, op);
    }

    private static int firstCommentStart(String op) {
        int slashStar = op.indexOf("/*");
        int dashDash = op.indexOf("--");
        return slashStar < 0 ? dashDash : dashDash < 0 ? slashStar : Math.min(slashStar, dashDash);
    }

    private static boolean endsInPlusOrMinus(String op) {
        char last = op.charAt(op.length() - 1);
        return last == '+' || last == '-';
    }

    private Token single(Kind kind) {
        int start = pos++;
        return token(kind, start, sql.substring(start, pos));
    }

    private Token token(Kind kind, int start, String value) {
        return new Token(kind, sql.substring(start, pos), value, start, pos);
    }

    private int scan(int from, IntPredicate part) {
        int i = from;
        while (i < sql.length() && part.test(sql.charAt(i))) {
            i++;
        }
        return i;
    }

    private int endOfLine(int from) {
        return scan(from, c -> c != '\n' && c != '\r');
    }

    private boolean isDigitAt(int i) {
        return i < sql.length() && isDigit(sql.charAt(i));
    }

    private DoppelException error(String message) {
        return new DoppelException(Reason.UNPARSABLE_ALTER, message);
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** PostgreSQL treats every non-ASCII character as a letter in names. */
    private static boolean isIdentifierStart(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
    }

    private static boolean isIdentifierPart(int c) {
        return isIdentifierStart(c) || isDigit(c) || c == '$';
    }

    /** PostgreSQL folds only ASCII letters; other letters keep their case in a UTF-8 database. */
    private static String foldCase(String name) {
        StringBuilder folded = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            folded.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return folded.toString();
    }

    /** Cuts a name to the bytes PostgreSQL keeps, never inside a character. */
    private static String truncate(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES) {
            return name;
        }
        int bytes = 0;
        int end = 0;
        while (end < name.length()) {
            int cp = name.codePointAt(end);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > MAX_IDENTIFIER_BYTES) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return name.substring(0, end);
    }
}
