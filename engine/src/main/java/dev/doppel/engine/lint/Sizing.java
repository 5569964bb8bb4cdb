package dev.doppel.engine.lint;

/**
 * What the database says about a statement's table, with a connection.
 *
 * @param rows         the planner's row estimate
 * @param bytes        table plus indexes and TOAST
 * @param blockingMillis how long the statement as written would hold its lock, from {@code plan}'s timed sample;
 *                     null when unknown
 * @param doppel       how {@code plan} would make the change, or why it cannot; null for statements not planned
 */
public record Sizing(long rows, long bytes, Long blockingMillis, String doppel) {
}
