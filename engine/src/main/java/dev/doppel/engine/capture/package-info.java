/**
 * Change capture: recording the keys of rows written while a migration runs. Invariant: a write commits if and
 * only if its key is recorded (same transaction), and recording never evaluates the user's transformation, so
 * capture can never fail an application write.
 */
package dev.doppel.engine.capture;
