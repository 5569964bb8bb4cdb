/**
 * {@code doppel apply}: runs a SQL migration file with each statement made online ({@link
 * dev.doppel.engine.apply.Route}): ALTER TABLE through the engine's planner, index builds and drops CONCURRENTLY,
 * everything else as written under a short lock_timeout with retries. Invariant: progress is recorded in the doppel
 * schema per file and per statement, in the same transaction as the statement where the statement is transactional
 * and right after it where it cannot be, so a re-run after a failure or a kill goes on from the first statement not
 * recorded as done (made idempotent: a half-built index is dropped, a stopped migration resumed) and a re-run after
 * success changes nothing.
 */
package dev.doppel.engine.apply;
