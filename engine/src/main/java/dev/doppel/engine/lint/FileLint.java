package dev.doppel.engine.lint;

import java.util.List;

/**
 * Lint of one file.
 *
 * @param file       the file, as given
 * @param statements per statement, in order (empty when the file does not lex)
 * @param findings   every finding, in order, including file-level ones
 * @param suppressed findings turned off by {@code doppel:disable} comments
 */
public record FileLint(String file, List<StatementLint> statements, List<Finding> findings, int suppressed) {
}
