/**
 * Data jobs: an UPDATE, DELETE or move into an archive table run online, in keyset batches of the table's key
 * sized to a target time, throttled like the copy of a migration, controlled by the operator and resumable from a
 * checkpoint. {@link dev.doppel.engine.batch.DataJob} starts or plans one and {@link dev.doppel.engine.batch.DataJobs}
 * resumes or aborts it. Invariant: each batch is one short transaction that changes the rows of its key range
 * matching the predicate at that moment and commits the checkpoint with them, so every key is passed exactly once,
 * across crashes too, and no transaction or snapshot outlives a batch.
 */
package dev.doppel.engine.batch;
