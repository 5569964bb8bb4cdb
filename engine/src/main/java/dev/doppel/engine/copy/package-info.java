/**
 * Filling the shadow: the keyset copy and the key re-sync. Invariant: after the copy has passed a key, the
 * shadow row for that key equals the transformed source row, except for keys with a pending log entry; a re-sync
 * round never overlaps a copy statement (the copy finishes before replay starts).
 */
package dev.doppel.engine.copy;
