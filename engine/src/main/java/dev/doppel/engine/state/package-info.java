/**
 * Durable state of migrations in the {@code doppel} schema ({@link dev.doppel.engine.state.MigrationStore}), the
 * operator's requests ({@link dev.doppel.engine.state.OperatorRequests}), and what a migration that did not swap leaves
 * behind ({@link dev.doppel.engine.state.Leftovers}). Invariant: the recorded copy checkpoint (each leaf's, for a
 * partitioned table) always describes exactly the chunks whose rows are committed in the shadow, because both
 * commit in one transaction; removing the leftovers leaves the source as it was, plus the writes made meanwhile.
 */
package dev.doppel.engine.state;
