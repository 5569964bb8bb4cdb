/**
 * Throttling that protects production: signals (WAL rate, replica lag, other slots' lag, load on the source
 * table, the operator's probe) read before each copy chunk, and a {@link dev.doppel.engine.throttle.Throttler}
 * that holds the copy while one is over its limit. Invariant: the copy never proceeds on a signal it could not
 * read; every hold has a reason that names the signal, its value, its limit and where it was seen.
 */
package dev.doppel.engine.throttle;
