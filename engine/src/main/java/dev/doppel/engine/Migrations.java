package dev.doppel.engine;

import dev.doppel.engine.batch.DataJobs;
import dev.doppel.engine.capture.LogicalSource;
import dev.doppel.engine.capture.ReplicationSlot;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.cutover.OldTableDrop;
import dev.doppel.engine.sql.AdvisoryLock;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.state.OperatorRequests;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.Leftovers;
import dev.doppel.engine.state.MigrationStore;
import dev.doppel.engine.throttle.Measure;
import dev.doppel.engine.throttle.Threshold;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Operations on migrations that already exist in a database: list them, resume one that stopped, abort one, and
 * clean up old tables and debris. None of them touches a migration that a live doppel process holds.
 */
public final class Migrations {

    /** Between the steps of dropping a large retained table. */
    private static final Duration STEP_PAUSE = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final Options options;
    private final MigrationListener listener;

    private Migrations(DataSource dataSource, Options options, MigrationListener listener) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.options = options;
        this.listener = listener;
    }

    public static Migrations on(DataSource dataSource) {
        return new Migrations(dataSource, Options.defaults(), MigrationListener.NONE);
    }

    public Migrations options(Options o) {
        return new Migrations(dataSource, Objects.requireNonNull(o), listener);
    }

    public Migrations listener(MigrationListener l) {
        return new Migrations(dataSource, options, Objects.requireNonNull(l));
    }

    /** Every migration recorded in this database, newest first. */
    public List<MigrationRecord> list() {
        return withSession("listing migrations", s -> new MigrationStore(s).all());
    }

    /** Every migration recorded in this database as it stands now (see {@link MigrationStatus}), newest first. */
    public List<MigrationStatus> statuses() {
        return withSession("listing migrations", s -> {
            List<ReplicationSlot> slots = LogicalSource.slots(s);
            List<MigrationStatus> all = new ArrayList<>();
            for (MigrationRecord r : new MigrationStore(s).all()) {
                all.add(status(s, r, slots));
            }
            return all;
        });
    }

    /** One migration as it stands now. */
    public MigrationStatus status(long id) {
        return withSession("reading migration " + id, s -> status(s, new MigrationStore(s).load(id),
                LogicalSource.slots(s)));
    }

    /**
     * A migration with no outcome is running while a live doppel process holds its table (the advisory lock, in
     * this database), and stopped otherwise: then it can be resumed or aborted.
     */
    private static MigrationStatus status(Session s, MigrationRecord r, List<ReplicationSlot> slots)
            throws SQLException {
        MigrationStore store = new MigrationStore(s);
        boolean running = !r.finished() && AdvisoryLock.held(s, new ObjectNames(r.tableOid()));
        return new MigrationStatus(r, running, r.finished() ? -1 : store.backlog(r.tableOid()),
                slots.stream().filter(slot -> slot.name().equals(r.slot())).findFirst().orElse(null),
                r.revertable() ? store.revertBacklog(r.tableOid()) : -1, MigrationStore.partitions(s, r.id()));
    }

    /** Every doppel replication slot on the server, with the WAL each keeps. */
    public List<ReplicationSlot> slots() {
        return withSession("listing replication slots", LogicalSource::slots);
    }

    public MigrationRecord get(long id) {
        return withSession("reading migration " + id, s -> new MigrationStore(s).load(id));
    }

    /** Continues a stopped migration (a killed process, a lost connection, a lock not obtained) where it stopped. */
    public Result resume(long id) {
        try {
            return new Rewrite(dataSource, options, listener).resume(id);
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "resuming migration " + id + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Removes everything a migration created (capture, log, shadow) and leaves the source as it was before the
     * run, plus the writes made meanwhile. Refused after the swap: the new table is in place by then.
     *
     * @return what was removed, as the user reads it ("capture trigger on public.orders", ...)
     */
    public List<String> abort(long id) {
        return withSession("aborting migration " + id, s -> {
            MigrationStore store = new MigrationStore(s);
            MigrationRecord r = store.load(id);
            if (DataJobs.isJob(r)) {
                DataJobs.on(dataSource).options(options).abort(id);
                return List.of();
            }
            if (r.swapped()) {
                boolean revertable = r.revertable() && store.revertBacklog(r.tableOid()) >= 0;
                throw new DoppelException(Reason.ALREADY_SWAPPED, "migration " + id + " of " + r.tableName() + " has"
                        + " already swapped in the new table (the old one is " + r.oldTable() + "); there is nothing"
                        + " to abort" + (r.outcome() == null ? ": `doppel resume " + id + "` finishes it"
                        : revertable ? ": `doppel revert " + id + "` puts the old table back" : ""));
            }
            ObjectNames names = new ObjectNames(r.tableOid());
            AdvisoryLock.claim(s, names, "migration " + id + " of " + r.tableName());
            List<String> removed = new ArrayList<>();
            try {
                LockRetry lockRetry = options.lockRetry(s);
                if (InPlaceChange.CAPTURE.equals(r.capture()) && !r.finished()) {
                    InPlaceChange.undoStopped(s, lockRetry, r);
                }
                removed.addAll(Leftovers.remove(s, lockRetry, names, r.tableOid()));
                if (!r.finished()) {
                    store.finish(id, Outcome.ABORTED, "aborted by request in phase " + r.phase().name().toLowerCase(),
                            null, null);
                }
            } finally {
                AdvisoryLock.release(s, names);
            }
            return removed;
        });
    }

    /**
     * Puts the old table back in place of the new one after a swap, with every write made since the swap (see
     * {@link Revert}). Refused when the change has no inverse, the old table was dropped, or a row holds a value
     * the old table cannot take back; then nothing is swapped back.
     */
    public Result revert(long id) {
        try {
            return new Revert(dataSource, options, listener).run(id);
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "reverting migration " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** Holds the copy of a running migration at its next chunk, until {@link #unpause}. */
    public void pause(long id) {
        control(id, s -> OperatorRequests.pause(s, id, true));
    }

    public void unpause(long id) {
        control(id, s -> OperatorRequests.pause(s, id, false));
    }

    /** Caps a running migration's copy rate from its next chunk on; null returns to the rate it started with. */
    public void throttle(long id, Long maxRowsPerSecond) {
        control(id, s -> OperatorRequests.throttle(s, id, maxRowsPerSecond));
    }

    /**
     * Replaces one throttle limit of a running migration from its next chunk on (a limit of 0 lifts it); null
     * returns to the limit it started with.
     */
    public void limit(long id, Measure measure, Threshold threshold) {
        control(id, s -> OperatorRequests.limit(s, id, measure, threshold));
    }

    /** Releases a migration waiting at "ready" to cut over (run with a postponed cut-over). */
    public void cutover(long id) {
        control(id, s -> OperatorRequests.postponeCutover(s, id, false));
    }

    private interface ControlChange {
        void apply(Session s) throws SQLException;
    }

    private void control(long id, ControlChange change) {
        withSession("changing migration " + id, s -> {
            MigrationRecord r = new MigrationStore(s).load(id);
            if (r.finished()) {
                throw new DoppelException(Reason.NOT_RESUMABLE, "migration " + id + " of " + r.tableName() + " already "
                        + r.outcome() + "; there is nothing to control");
            }
            change.apply(s);
            return null;
        });
    }

    /**
     * Drops retained old tables whose drop time has passed, and removes what failed or aborted migrations left
     * behind. Migrations that stopped without an outcome are only reported: they can still be resumed.
     *
     * @return one line per thing done or found
     */
    public List<String> cleanup() {
        return withSession("cleaning up", s -> {
            List<String> report = new ArrayList<>();
            MigrationStore store = new MigrationStore(s);
            LockRetry lockRetry = options.lockRetry(s);
            for (MigrationRecord r : store.all()) {
                ObjectNames names = new ObjectNames(r.tableOid());
                if (!AdvisoryLock.tryTake(s, names)) {
                    report.add("migration " + r.id() + " of " + r.tableName() + " is running; left alone");
                    continue;
                }
                try {
                    if ((r.outcome() == Outcome.SUCCEEDED || r.outcome() == Outcome.REVERTED) && r.oldTable() != null
                            && r.dropAfter() != null && r.dropAfter().isBefore(Instant.now())) {
                        if (r.outcome() == Outcome.SUCCEEDED) {
                            removeRevertCapture(s, lockRetry, names, r);
                        }
                        try {
                            new OldTableDrop(s, lockRetry, STEP_PAUSE).drop(r.oldTable());
                        } catch (DoppelException kept) {
                            if (kept.reason() != Reason.UNSUPPORTED_DEPENDENTS) {
                                throw kept;
                            }
                            report.add(kept.getMessage());
                            continue;
                        }
                        store.oldTableDropped(r.id());
                        report.add("dropped " + r.oldTable() + ", kept since migration " + r.id() + " of "
                                + r.tableName());
                    } else if (r.finished() && !r.swapped() && Leftovers.exist(s, names)) {
                        Leftovers.remove(s, lockRetry, names, r.tableOid());
                        report.add("removed what " + r.outcome() + " migration " + r.id() + " of " + r.tableName()
                                + " left behind");
                    } else if (!r.finished()) {
                        report.add("migration " + r.id() + " of " + r.tableName() + " stopped in phase "
                                + r.phase().name().toLowerCase() + " and is not running: `doppel resume " + r.id()
                                + "`" + (r.swapped() ? " finishes it (the new table is in place)"
                                : " or `doppel abort " + r.id() + "`"));
                    }
                } finally {
                    AdvisoryLock.release(s, names);
                }
            }
            return report;
        });
    }

    /** The old table goes, so the writes to the new one need no longer be logged for a revert. */
    private static void removeRevertCapture(Session s, LockRetry lockRetry, ObjectNames names, MigrationRecord r)
            throws SQLException {
        if (!s.exists(names.revertCapture().log())) {
            return;
        }
        String live = s.text("SELECT to_regclass(?)::text", r.tableSql());
        if (live == null) {
            s.execute("DROP FUNCTION IF EXISTS " + names.revertCapture().function() + "() CASCADE");
            s.execute("DROP TABLE IF EXISTS " + names.revertCapture().log());
            return;
        }
        lockRetry.run("removing the revert capture from " + r.tableName(), t -> {
            for (String statement : MigrationSql.dropCapture(names.revertCapture(), live)) {
                t.execute(statement);
            }
            return Boolean.TRUE;
        }, LockRetry.NOTHING_BETWEEN);
    }

    private interface Work<T> {
        T run(Session s) throws SQLException;
    }

    private <T> T withSession(String what, Work<T> work) {
        try (Session s = Session.open(dataSource, "control")) {
            return work.run(s);
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, what + " failed: " + e.getMessage(), e);
        }
    }
}
