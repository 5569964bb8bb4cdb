package dev.doppel.engine.shadow;

/**
 * An index or constraint the shadow gets only after the copy, because maintaining it row by row costs the copy
 * more than building it once.
 *
 * @param create SQL that recreates it on the shadow
 * @param key    true for the unique key the re-sync upserts on, which is built first
 */
public record DeferredObject(String name, String create, boolean key) {
}
