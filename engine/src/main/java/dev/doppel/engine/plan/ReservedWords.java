package dev.doppel.engine.plan;

import java.util.Set;

/**
 * PostgreSQL's reserved and type/function-name keywords (kwlist.h): the words that cannot be an unquoted column,
 * constraint or table name. Every other keyword can, so it is not listed.
 */
final class ReservedWords {

    private static final Set<String> WORDS = Set.of(
            // RESERVED_KEYWORD
            "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
            "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
            "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
            "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
            "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
            "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning",
            "select", "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing",
            "true", "union", "unique", "user", "using", "variadic", "when", "where", "window", "with",
            // TYPE_FUNC_NAME_KEYWORD
            "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full",
            "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps",
            "right", "similar", "tablesample", "verbose");

    private ReservedWords() {
    }

    static boolean contains(Token token) {
        return token.kind() == Token.Kind.IDENTIFIER && WORDS.contains(token.value());
    }
}
