/**
 * Fleets: one change made on many databases (shards, tenants, regions), in waves, by running the ordinary
 * single-table engine on each target. Invariant: the fleet keeps no state of its own; everything it knows about a
 * target it reads from that target's {@code doppel} schema, so re-running the same fleet command (or one job per
 * target under a scheduler) resumes every target idempotently, and any number of processes see the same status.
 */
package dev.doppel.engine.fleet;
