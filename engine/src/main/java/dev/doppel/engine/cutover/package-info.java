/**
 * Locks on the source and the swap. Invariant: doppel never waits on a lock longer than one short attempt, and
 * the swap either commits whole (new table in place, nothing pending in the log) or leaves the source untouched.
 */
package dev.doppel.engine.cutover;
