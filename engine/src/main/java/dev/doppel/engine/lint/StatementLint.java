package dev.doppel.engine.lint;

import java.util.List;

/**
 * What lint found about one statement.
 *
 * @param statement its position in the file, from 1
 * @param line      its first line
 * @param text      the statement on one line, shortened
 * @param kind      what it is ("create index", "alter table", ...)
 * @param lock      the lock mode it takes as written ("ACCESS EXCLUSIVE", or "none")
 * @param on        what it takes it on, or null
 * @param effect    "rewrite", "scan", "catalog" or "none": how long the lock may last
 * @param impact    the same in words
 * @param apply     how {@code doppel apply} would make it
 * @param sizing    sizes and estimates from the database, or null offline
 * @param findings  what the rules found (after disable comments)
 */
public record StatementLint(int statement, int line, String text, String kind, String lock, String on, String effect,
                            String impact, String apply, Sizing sizing, List<Finding> findings) {
}
