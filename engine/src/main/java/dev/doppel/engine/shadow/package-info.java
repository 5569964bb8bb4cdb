/**
 * Building the shadow table: a copy of the source's definition with the user's ALTER applied by PostgreSQL
 * itself, stripped of indexes and foreign keys for the copy ({@link dev.doppel.engine.shadow.ShadowTableBuilder}),
 * and what it gets once the copy is done ({@link dev.doppel.engine.shadow.DeferredBuilds}). Invariant: the shadow's
 * shape is exactly what a blocking ALTER would give the table, once the deferred objects are built and the swap
 * restores the names.
 */
package dev.doppel.engine.shadow;
