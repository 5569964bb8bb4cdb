/**
 * doppel's engine: {@link dev.doppel.engine.OnlineSchemaChange} runs one online ALTER TABLE and
 * {@link dev.doppel.engine.Migrations} lists, resumes, aborts, reverts and cleans up existing ones. {@code Rewrite}
 * is the orchestrator of a rewrite, {@code InPlaceChange} of a change PostgreSQL makes in place, {@code Revert} of a
 * swap back; {@link dev.doppel.engine.Reason} classifies every way they end. Invariant kept by every phase: after
 * the copy has passed a key, the shadow row for that key equals the transformed source row, except for keys with a
 * pending change-log entry; nothing is swapped unless verification found the two equal.
 */
package dev.doppel.engine;
