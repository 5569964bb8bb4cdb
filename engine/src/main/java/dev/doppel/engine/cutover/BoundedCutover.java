package dev.doppel.engine.cutover;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.sql.CutoverSql;
import dev.doppel.engine.sql.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;

/**
 * The one bounded swap that the cut-over and a revert share. It waits out older snapshots, drains the change log to
 * a handful of entries, then takes ACCESS EXCLUSIVE on the live table (after the tables referencing it) in short
 * attempts; under the lock it brings the log up to date, applies it, checks that the live table's definition is the
 * one planned, and runs the swap step — or gives the lock back and tries again rather than hold it past the cap.
 * Invariant: nothing is swapped unless every write committed before the lock is in the swapped-in table.
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

    /** Under the lock: brings the log up to date and applies all of it; null gives the lock back. */
    @FunctionalInterface
    public interface CatchUp {
        Long apply(Session s) throws SQLException;
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

    public BoundedCutover(Session control, LockRetry lockRetry, Duration snapshotWait, Duration maxLockHeld) {
        this.control = control;
        this.lockRetry = lockRetry;
        this.snapshotWait = snapshotWait;
        this.maxLockHeld = maxLockHeld;
    }

    /**
     * @param what  the swap, as logs and errors name it ("cut-over of public.orders")
     * @param live  the table being swapped out, as planned: its lock is taken and its definition checked
     * @param doing what doppel was doing to it, for the error when its definition changed ("migrating")
     */
    public Held run(String what, TableInfo live, String doing, Drain drain, CatchUp catchUp, Step swap)
            throws SQLException {
        new SnapshotWait(control).await(snapshotWait);
        // The wait let changes queue up; what is left for the lock should be a handful, re-synced in milliseconds.
        drain.until(LOCK_BACKLOG);
        long[] lockedAt = new long[1];
        long applied = lockRetry.run(what, s -> {
            s.execute(CutoverSql.lockInOrder(s, live));
            lockedAt[0] = System.nanoTime();
            Long n = catchUp.apply(s);
            if (n == null) {
                log.info("{}: capture did not catch up within {} under the lock; giving it back", what, maxLockHeld);
                return null;
            }
            long caughtUp = System.nanoTime();
            if (!new CatalogReader(s).fingerprint(live.oid()).equals(live.fingerprint())) {
                throw new DoppelException(Reason.SOURCE_CHANGED, "the definition of " + live.display() + " changed"
                        + " while doppel was " + doing + " it (someone ran DDL on it); nothing was swapped. Run it"
                        + " again against the new definition");
            }
            long checked = System.nanoTime();
            swap.run(s);
            log.info("{} under lock: {} changes re-synced in {} ms, definition checked in {} ms, swapped in {} ms",
                    what, n, (caughtUp - lockedAt[0]) / 1_000_000, (checked - caughtUp) / 1_000_000,
                    (System.nanoTime() - checked) / 1_000_000);
            if (System.nanoTime() - lockedAt[0] > maxLockHeld.toNanos()) {
                log.info("{} would hold its lock longer than {}; giving it back", what, maxLockHeld);
                return null;
            }
            return n;
        }, () -> drain.until(LOCK_BACKLOG));
        long heldMillis = (System.nanoTime() - lockedAt[0]) / 1_000_000;
        log.info("{} held ACCESS EXCLUSIVE on {} for {} ms", what, live.display(), heldMillis);
        return new Held(applied, heldMillis, lockRetry.lastAttempts());
    }
}
