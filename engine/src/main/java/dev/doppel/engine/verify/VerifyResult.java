package dev.doppel.engine.verify;

/**
 * What verification compared: rows on each side (outside keys with pending changes), and the keys left out because
 * a change for them was still pending.
 */
public record VerifyResult(long sourceRows, long shadowRows, long pendingKeysExcluded, long millis) {
}
