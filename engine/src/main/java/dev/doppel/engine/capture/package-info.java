/**
 * Change capture: recording the keys of rows written while a migration runs, into the migration's change log.
 * {@link dev.doppel.engine.capture.ChangeSource} is all a migration sees of it (install, start, catch-up, quiet
 * point, after-swap, the words the user reads); {@link dev.doppel.engine.capture.Captures} picks trigger or logical
 * capture and removes either. Invariant: every write committed to the source after capture starts has its key in
 * the log by the time the re-sync needs it — in the writer's own transaction with triggers; with logical decoding,
 * committed by the relay before the slot's confirmed position moves past the write, and before {@code catchUp}
 * returns for a write that committed before the call. Recording never evaluates the user's transformation, so
 * capture can never fail an application write because of it.
 */
package dev.doppel.engine.capture;
