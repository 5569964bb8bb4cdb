/**
 * Locks on the source and the swap: {@link dev.doppel.engine.cutover.LockRetry} takes a lock in short attempts,
 * {@link dev.doppel.engine.cutover.BoundedCutover} is the one bounded swap the cut-over and a revert share (older
 * snapshots waited out, the log drained, the lock taken in a stable order, the last entries re-synced and the
 * definition checked under it, the lock given back rather than held past its cap), {@link
 * dev.doppel.engine.cutover.Swap} is the renames ({@link dev.doppel.engine.cutover.LeafSwap} around them for one
 * partition repacked alone: DETACH, the renames, ATTACH; {@link dev.doppel.engine.cutover.PartitionsBack} before them
 * for a tree's revert: its retired partitions' names back), {@link dev.doppel.engine.cutover.MaterializedViews} the
 * materialized views built again against the shadow before it and swapped in by it, {@link
 * dev.doppel.engine.cutover.AfterSwap} what follows a committed swap. Invariant: doppel never waits on a lock longer than one short attempt, and the swap either
 * commits whole (new table in place, nothing pending in the log) or leaves the source untouched.
 */
package dev.doppel.engine.cutover;
