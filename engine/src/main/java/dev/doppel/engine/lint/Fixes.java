package dev.doppel.engine.lint;

import dev.doppel.engine.plan.InPlaceSteps;
import dev.doppel.engine.plan.Subcommand;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The safer form of a statement, as a finding suggests it; doppel apply makes each of these itself. */
final class Fixes {

    static final String RENAME = "add the new name beside the old (a view, a new column kept in sync), move the"
            + " application over, then drop the old name in a later release";

    private static final Pattern INDEX = Pattern.compile("(?i)\\bindex\\b");
    private static final Pattern DROP_INDEX = Pattern.compile("(?i)\\bdrop\\s+index\\b");

    private Fixes() {
    }

    static String concurrentIndex(String statement) {
        Matcher m = INDEX.matcher(statement);
        String rewritten = m.find() ? statement.substring(0, m.end()) + " CONCURRENTLY" + statement.substring(m.end())
                : statement;
        return flat(rewritten) + "; outside a transaction (doppel apply builds it so and drops an invalid leftover)";
    }

    static String concurrentDrop(String statement) {
        Matcher m = DROP_INDEX.matcher(statement);
        String rewritten = m.find() ? statement.substring(0, m.end()) + " CONCURRENTLY" + statement.substring(m.end())
                : statement;
        return flat(rewritten) + "; outside a transaction";
    }

    static String notValid(String table, Subcommand sub) {
        if (sub.constraint() == null) {
            return "name the constraint, add it NOT VALID, then VALIDATE CONSTRAINT it in its own transaction";
        }
        return "ALTER TABLE " + table + " ADD " + stripAdd(sub.text()) + " NOT VALID; ALTER TABLE " + table
                + " VALIDATE CONSTRAINT " + sub.constraint() + "; (" + InPlaceSteps.route(sub) + ")";
    }

    static String uniqueIndex(String table, Subcommand sub) {
        String name = sub.constraint() == null ? "<name>" : sub.constraint();
        return "CREATE UNIQUE INDEX CONCURRENTLY " + name + " ON " + table + " (...); ALTER TABLE " + table
                + " ADD CONSTRAINT " + name + (sub.constraintType() == Subcommand.ConstraintType.PRIMARY_KEY
                ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX " + name + "; (" + InPlaceSteps.route(sub) + ")";
    }

    static String notNull(String table, String column) {
        String check = InPlaceSteps.notNullCheck(column);
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + check + " CHECK (" + column + " IS NOT NULL) NOT VALID;"
                + " ALTER TABLE " + table + " VALIDATE CONSTRAINT " + check + "; ALTER TABLE " + table
                + " ALTER COLUMN " + column + " SET NOT NULL; ALTER TABLE " + table + " DROP CONSTRAINT " + check
                + "; (PostgreSQL 12 on skips the scan when a validated check proves it; doppel apply does this)";
    }

    static String rewrite(String table, Subcommand sub) {
        return "doppel apply runs it through a shadow table while writers go on (or: doppel run --table " + table
                + " --alter '" + sub.text().replace("'", "''") + "'); for ADD COLUMN, add it without the volatile"
                + " default and backfill in batches";
    }

    private static String stripAdd(String text) {
        return text.replaceFirst("(?i)^add\\s+", "");
    }

    private static String flat(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }
}
