/**
 * The benchmark harness: fixtures defined in test-data/, an open-loop write workload with HdrHistogram latency,
 * and scenarios (baseline, blocking ALTER, INSERT ... SELECT, doppel, pg_repack) run side by side on one server.
 * Invariant: every scenario run starts from an identical, freshly built fixture after a checkpoint, under the
 * same workload, so its numbers compare.
 */
package dev.doppel.benchmarks;
