package dev.doppel.engine.apply;

import dev.doppel.engine.script.StatementShape;
import dev.doppel.engine.sql.ScriptSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file's CREATE INDEX built CONCURRENTLY and its DROP INDEX dropped CONCURRENTLY. A build that fails (or whose
 * process dies) leaves an INVALID index that still slows every write; the indexes the table gained since the build
 * began (their OIDs were recorded before it) are how a retry or a resume finds and drops it, named or not.
 */
final class ConcurrentIndex {

    private static final Pattern INDEX = Pattern.compile("(?i)\\bindex\\b");
    private static final Pattern CONCURRENTLY = Pattern.compile("(?i)\\bindex\\s+concurrently\\b");
    private static final Pattern IF_EXISTS = Pattern.compile("(?i)\\bconcurrently\\s+if\\s+exists\\b");

    private ConcurrentIndex() {
    }

    /** The statement with CONCURRENTLY after its INDEX keyword, unless it says so already. */
    static String concurrent(String statement) {
        if (CONCURRENTLY.matcher(statement).find()) {
            return statement;
        }
        Matcher m = INDEX.matcher(statement);
        if (!m.find()) {
            return statement;
        }
        return statement.substring(0, m.end()) + " CONCURRENTLY" + statement.substring(m.end());
    }

    /** A DROP INDEX CONCURRENTLY that a resume may repeat: the index may be gone already. */
    static String repeatableDrop(String statement) {
        String concurrent = concurrent(statement);
        if (IF_EXISTS.matcher(concurrent).find()) {
            return concurrent;
        }
        return concurrent.replaceFirst("(?i)\\bconcurrently\\b", "CONCURRENTLY IF EXISTS");
    }

    /** The table's index OIDs now, as a PostgreSQL array literal; null when the table does not exist. */
    static String indexesBefore(Session s, StatementShape shape) throws SQLException {
        return s.text(ScriptSql.indexOids(), table(shape));
    }

    /** Whether the table has a valid index it did not have before; drops the invalid ones it gained. */
    static boolean settle(Session s, StatementShape shape, String before) throws SQLException {
        record Gained(String schema, String name, boolean valid) {
        }
        List<Gained> gained = s.query(ScriptSql.newIndexes(), rs -> new Gained(rs.getString(1), rs.getString(2),
                rs.getBoolean(3)), table(shape), before);
        boolean valid = false;
        for (Gained g : gained) {
            if (g.valid()) {
                valid = true;
            } else {
                s.execute(ScriptSql.dropIndexConcurrently(g.schema(), g.name()));
            }
        }
        return valid;
    }

    private static String table(StatementShape shape) {
        return ScriptSql.table(shape.table().schema(), shape.table().name());
    }
}
