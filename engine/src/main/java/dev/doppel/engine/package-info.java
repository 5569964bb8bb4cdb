/**
 * doppel's engine: {@link dev.doppel.engine.OnlineSchemaChange} runs one online ALTER TABLE and
 * {@link dev.doppel.engine.Migrations} resumes, aborts and cleans up existing ones; {@code Migration} is the
 * orchestrator. Invariant kept by every phase: after the copy has passed a key, the shadow row for that key equals
 * the transformed source row, except for keys with a pending change-log entry; nothing is swapped unless
 * verification found the two equal.
 */
package dev.doppel.engine;
