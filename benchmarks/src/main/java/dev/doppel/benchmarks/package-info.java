/**
 * The benchmark harness: fixtures from test-data/, an open-loop write workload, and scenarios run side by side on
 * the same server. Invariant: every scenario starts from an identical fixture and runs under the same workload,
 * so its numbers compare.
 */
package dev.doppel.benchmarks;
