/**
 * Machine-readable reports: the JSON writer the CLI and the benchmarks share. Invariant: what it writes is valid
 * JSON (RFC 8259) for any input it accepts, and it refuses types it has no JSON form for.
 */
package dev.doppel.engine.report;
