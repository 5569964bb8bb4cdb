/**
 * Verification before the swap. Invariant: the swap happens only after source and shadow were found equal, row
 * for row through the mapping, in one consistent snapshot (keys with pending changes aside, re-synced under the
 * cut-over lock).
 */
package dev.doppel.engine.verify;
