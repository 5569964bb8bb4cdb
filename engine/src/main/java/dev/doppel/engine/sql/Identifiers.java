package dev.doppel.engine.sql;

import org.postgresql.core.Utils;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/** The one place identifiers and literals are quoted; no other code builds quoted SQL names by hand. */
public final class Identifiers {

    private Identifiers() {
    }

    public static String quote(String identifier) {
        try {
            return Utils.escapeIdentifier(null, identifier).toString();
        } catch (SQLException e) {
            throw new IllegalArgumentException("identifier cannot be quoted (it contains a NUL byte): " + identifier, e);
        }
    }

    public static String qualified(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    public static String list(List<String> identifiers) {
        return identifiers.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
    }

    /** {@code prefix.col} for each column, comma separated. */
    public static String list(String prefix, List<String> identifiers) {
        return identifiers.stream().map(c -> prefix + "." + quote(c)).collect(Collectors.joining(", "));
    }

    public static String literal(String value) {
        if (value == null) {
            return "NULL";
        }
        try {
            // E'...' reads a backslash the same whether standard_conforming_strings is on or off; '...' does not.
            return value.indexOf('\\') < 0 ? "'" + Utils.escapeLiteral(null, value, true) + "'"
                    : "E'" + Utils.escapeLiteral(null, value, false) + "'";
        } catch (SQLException e) {
            throw new IllegalArgumentException("literal cannot be quoted (it contains a NUL byte)", e);
        }
    }
}
