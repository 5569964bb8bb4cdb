package dev.doppel.engine.batch;

import dev.doppel.engine.sql.Session;

import java.util.Locale;

/**
 * What a data job does, as its user gave it.
 *
 * @param set   the UPDATE's {@code col = expr, ...} list; null for a delete or move
 * @param where the predicate; null means every row (an update only: a delete or move must say which rows)
 * @param into  the archive table of a move; null otherwise
 */
public record JobSpec(Kind kind, String table, String set, String where, String into) {

    /** The three jobs. */
    public enum Kind {
        UPDATE, DELETE, MOVE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The predicate in force: the one given, or {@code true}. */
    public String predicate() {
        return where == null || where.isBlank() ? "true" : where.strip();
    }

    /** How the job is shown and recorded: "UPDATE SET slug = lower(title) WHERE slug IS NULL". */
    public String text() {
        String w = " WHERE " + predicate();
        return switch (kind) {
            case UPDATE -> "UPDATE SET " + strip(set) + w;
            case DELETE -> "DELETE" + w;
            case MOVE -> "MOVE INTO " + strip(into) + w;
        };
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }

    /** The recorded hash: the same job on the same table is found again by it. */
    String hash() {
        return Session.sha256("data job\n" + text());
    }
}
