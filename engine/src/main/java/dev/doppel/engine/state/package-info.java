/**
 * Durable state of migrations in the {@code doppel} schema. Invariant: the recorded copy checkpoint always
 * describes exactly the chunks whose rows are committed in the shadow, because both commit in one transaction.
 */
package dev.doppel.engine.state;
