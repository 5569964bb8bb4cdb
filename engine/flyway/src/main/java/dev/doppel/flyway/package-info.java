/**
 * Flyway migrations applied online by doppel: {@link dev.doppel.flyway.DoppelMigrationResolver} resolves SQL files
 * named with doppel's prefix ({@code D7__orders_total_to_cents.sql}) beside Flyway's own, and {@link
 * dev.doppel.flyway.DoppelJavaMigration} is a base class for Java migrations; both run their SQL through the engine's
 * {@code ScriptApplier}, outside Flyway's transaction, with progress in Flyway's log. Invariant: nothing runs while
 * Flyway's PostgreSQL transactional lock is on (it holds a transaction open for the whole migration, which concurrent
 * index builds and doppel's snapshot waits would wait on forever); a failure is a failed migration that {@code
 * flyway repair} clears and the next {@code migrate} resumes from doppel's record.
 */
package dev.doppel.flyway;
