package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user's inverse for a revert, {@code col=expr, col2=expr2}: for each named column of the old table, an
 * expression over the new table's columns. Split at top-level commas by the SQL tokenizer, so an expression may
 * hold commas inside brackets or strings.
 */
public final class RevertUsing {

    private RevertUsing() {
    }

    /** Old column name (as PostgreSQL stores it) to expression text; empty for null or blank text. */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        List<Token> tokens = SqlTokenizer.tokenize(text);
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= tokens.size(); i++) {
            Token t = i < tokens.size() ? tokens.get(i) : null;
            if (t != null && (t.kind() == Token.Kind.LPAREN || t.kind() == Token.Kind.LBRACKET)) {
                depth++;
            } else if (t != null && (t.kind() == Token.Kind.RPAREN || t.kind() == Token.Kind.RBRACKET)) {
                depth--;
            } else if (t == null || t.kind() == Token.Kind.COMMA && depth == 0) {
                entry(text, tokens.subList(start, i), out);
                start = i + 1;
            }
        }
        return out;
    }

    private static void entry(String text, List<Token> part, Map<String, String> out) {
        boolean named = part.size() >= 3 && (part.get(0).kind() == Token.Kind.IDENTIFIER
                || part.get(0).kind() == Token.Kind.QUOTED_IDENTIFIER)
                && part.get(1).kind() == Token.Kind.OPERATOR && part.get(1).text().equals("=");
        if (!named) {
            throw new DoppelException(Reason.INVALID_REVERT_USING, "--revert-using takes 'column=expression, ...' (an old"
                    + " column, then an expression over the new table's columns); cannot read \"" + (part.isEmpty()
                    ? "" : text.substring(part.get(0).start(), part.get(part.size() - 1).end())) + "\"");
        }
        String column = part.get(0).value();
        if (out.put(column, text.substring(part.get(2).start(), part.get(part.size() - 1).end())) != null) {
            throw new DoppelException(Reason.INVALID_REVERT_USING, "--revert-using names column " + column + " twice");
        }
    }
}
