package dev.doppel.engine.cutover;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.sql.CutoverSql;
import dev.doppel.engine.sql.PartitionSql;
import dev.doppel.engine.sql.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The one bounded swap that the cut-over and a revert share. Before each attempt it waits out older snapshots and
 * drains the change log to a handful of entries; then it locks the table to be swapped in (nothing but autovacuum
 * uses it, and a wait there must not queue the application), the tables referencing the live table and the live
 * table itself, each wait one short lock timeout. Under the lock it brings the log up to date and applies it within
 * half the cap, checks that the live table's definition is the one planned, and runs the swap step; past the
 * budget it gives the lock back and tries again rather than hold it longer. Invariant: nothing is swapped unless
 * every write committed before the lock is in the swapped-in table.
 */
public final class BoundedCutover {

    private static final Logger log = LoggerFactory.getLogger(BoundedCutover.class);
    /** Entries left for the last re-sync under the lock: each costs the locked-out writers time. */
    public static final long LOCK_BACKLOG = 50;

    /** Re-syncs outside the lock until at most {@code entries} are left; returns the entries applied. */
    @FunctionalInterface
    public interface Drain {
        long until(long entries) throws SQLException;
    }

    /**
     * Under the lock: brings the log up to date and applies all of it before {@code deadline} ({@link
     * System#nanoTime()}); null, when it cannot, gives the lock back.
     */
    @FunctionalInterface
    public interface CatchUp {
        Long apply(Session s, long deadline) throws SQLException;
    }

    /** The swap itself, in the lock's transaction. */
    @FunctionalInterface
    public interface Step {
        void run(Session s) throws SQLException;
    }

    /** Entries applied under the lock, the lock's hold time and the attempts it took. */
    public record Held(long applied, long millis, int attempts) {
    }

    private final Session control;
    private final LockRetry lockRetry;
    private final Duration snapshotWait;
    private final Duration maxLockHeld;

    /** Tables (quoted) locked alone after the incoming table and before the live one; none by default. */
    private List<String> lockedBetween = List.of();

    public BoundedCutover(Session control, LockRetry lockRetry, Duration snapshotWait, Duration maxLockHeld) {
        this.control = control;
        this.lockRetry = lockRetry;
        this.snapshotWait = snapshotWait;
        this.maxLockHeld = maxLockHeld;
    }

    /**
     * Also locks {@code tables} (quoted), each without its partitions, after the incoming table and before the live
     * one: a partition swapped alone has its parent (and default partition) locked first, as the application's
     * writes through the parent lock them.
     */
    public BoundedCutover lockingFirst(List<String> tables) {
        this.lockedBetween = List.copyOf(tables);
        return this;
    }

    /**
     * @param what     the swap, as logs and errors name it ("cut-over of public.orders")
     * @param live     the table being swapped out, as planned: its lock is taken and its definition checked
     * @param incoming the table being swapped in (quoted), locked first
     * @param doing    what doppel was doing to the live table, for the error when its definition changed
     */
    public Held run(String what, TableInfo live, String incoming, String doing, Drain drain, CatchUp catchUp,
                    Step swap) throws SQLException {
        long snapshotDeadline = System.nanoTime() + snapshotWait.toNanos();
        LockRetry.Between prepare = () -> {
            // Each attempt waits anew: a snapshot taken while an earlier attempt backed off is as old as any.
            new SnapshotWait(control).await(Duration.ofNanos(Math.max(0, snapshotDeadline - System.nanoTime())));
            drain.until(LOCK_BACKLOG);
        };
        rehearse(what, live, swap);
        prepare.run();
        long[] lockedAt = new long[1];
        long applied = lockRetry.run(what, s -> {
            // The commit's WAL flush would happen under the lock; without waiting for it the swap is as durable:
            // WAL is flushed in order, so no write acknowledged to the application after it can outlive it, and
            // doppel commits again, flushing, before it reports the swap.
            s.execute("SET LOCAL synchronous_commit = off");
            s.execute(CutoverSql.lock(incoming));
            if (!lockedBetween.isEmpty()) {
                s.execute(PartitionSql.lockOnly(lockedBetween));
            }
            s.execute(CutoverSql.lockInOrder(s, live));
            lockedAt[0] = System.nanoTime();
            Long n = catchUp.apply(s, lockedAt[0] + maxLockHeld.toNanos() / 2);
            if (n == null) {
                log.info("{}: the log did not catch up within half of {} under the lock; giving it back", what,
                        maxLockHeld);
                return null;
            }
            long caughtUp = System.nanoTime();
            TableInfo now = new CatalogReader(s).definition(live.oid());
            if (!now.fingerprint().equals(live.fingerprint())) {
                String partitions = live.partitions().differences(now.partitions());
                throw new DoppelException(Reason.SOURCE_CHANGED, partitions.isEmpty() ? "the definition of "
                        + live.display() + " changed while doppel was " + doing + " it (someone ran DDL on it);"
                        + " nothing was swapped. Run it again against the new definition" : "the partitions of "
                        + live.display() + " changed while doppel was " + doing + " it (" + partitions + "): the new"
                        + " partition tree has no place for their rows, so nothing was swapped and doppel's copy is"
                        + " removed. Run the change again once the partitions are as they should be (and hold"
                        + " partition maintenance while it runs)");
            }
            long checked = System.nanoTime();
            s.batched(batch -> {
                swap.run(batch);
                return null;
            });
            log.info("{} under lock: {} changes re-synced in {} ms, definition checked in {} ms, swapped in {} ms",
                    what, n, (caughtUp - lockedAt[0]) / 1_000_000, (checked - caughtUp) / 1_000_000,
                    (System.nanoTime() - checked) / 1_000_000);
            if (System.nanoTime() - lockedAt[0] > maxLockHeld.toNanos()) {
                log.info("{} would hold its lock longer than {}; giving it back", what, maxLockHeld);
                return null;
            }
            return n;
        }, prepare);
        long heldMillis = (System.nanoTime() - lockedAt[0]) / 1_000_000;
        log.info("{} held ACCESS EXCLUSIVE on {} for {} ms", what, live.display(), heldMillis);
        return new Held(applied, heldMillis, lockRetry.lastAttempts());
    }

    /**
     * Runs the check and the swap once, outside the lock, sending only their queries, in a transaction rolled back:
     * a fresh process otherwise loads their code and fills its connection's catalog caches with the lock held (in
     * this machine's runs the first swap of a process held it 30-150 ms under load, later ones 10-20 ms). A query
     * that fails there, reading the catalog as it is before the swap, only ends the rehearsal.
     */
    private void rehearse(String what, TableInfo live, Step swap) throws SQLException {
        try {
            control.rolledBack(s -> s.rehearsed(r -> {
                new CatalogReader(r).definition(live.oid());
                swap.run(r);
                return null;
            }));
        } catch (SQLException e) {
            log.debug("{}: the rehearsal ended early: {}", what, e.getMessage());
        }
    }
}
