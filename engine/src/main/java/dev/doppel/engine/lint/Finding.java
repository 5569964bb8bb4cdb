package dev.doppel.engine.lint;

/**
 * One rule's finding on one statement.
 *
 * @param rule      the rule's stable name
 * @param severity  the rule's severity, or lower where the statement may be harmless (a type change that may not
 *                  rewrite)
 * @param file      the file, as given
 * @param line      the statement's first line, from 1
 * @param statement the statement's position in the file, from 1 (0 for the file as a whole)
 * @param message   what is wrong, naming the table
 * @param fix       the safer form
 */
public record Finding(String rule, Severity severity, String file, int line, int statement, String message,
                      String fix) {
}
