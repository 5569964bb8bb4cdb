package dev.doppel.engine;

import dev.doppel.engine.batch.DataJobs;
import dev.doppel.engine.capture.LogicalSource;
import dev.doppel.engine.capture.ReplicationSlot;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.cutover.OldTableDrop;
import dev.doppel.engine.sql.AdvisoryLock;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.state.Control;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationRecord;
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

    /**
     * Whether a live doppel process holds this migration's table now (its advisory lock, in this database). A
     * migration with no outcome that nobody holds has stopped and can be resumed or aborted.
     */
    public boolean running(MigrationRecord r) {
        ObjectNames names = new ObjectNames(r.tableOid());
        return !r.finished() && withSession("checking migration " + r.id(), s -> !s.query(
                ObjectNames.advisoryHoldersQuery(), rs -> rs.getInt(1), names.advisoryLockParts()).isEmpty());
    }

    /** Change-log entries the migration has yet to re-sync; -1 when it has no log (finished, or not started). */
    public long backlog(MigrationRecord r) {
        return withSession("reading the change log of migration " + r.id(), s -> new MigrationStore(s)
                .backlog(r.tableOid()));
    }

    /**
     * For a swapped migration whose old table is kept: the writes since the swap that a revert would re-sync; -1
     * when no revert log exists (the change has no inverse, a later migration ended the revert, or the swap was
     * made by a doppel that kept none), and then it cannot be reverted whatever its row says.
     */
    public long revertBacklog(MigrationRecord r) {
        return withSession("reading the revert log of migration " + r.id(), s -> new MigrationStore(s)
                .revertBacklog(r.tableOid()));
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
            return new Migration(dataSource, options, listener).resume(id);
        } catch (SQLException e) {
            throw new DoppelException("database_error", "resuming migration " + id + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Removes everything a migration created (trigger, log, shadow) and leaves the source as it was before the
     * run, plus the writes made meanwhile. Refused after the swap: the new table is in place by then.
     */
    public void abort(long id) {
        withSession("aborting migration " + id, s -> {
            MigrationStore store = new MigrationStore(s);
            MigrationRecord r = store.load(id);
            if (DataJobs.isJob(r)) {
                return DataJobs.on(dataSource).options(options).abort(id);
            }
            if (r.swapped()) {
                boolean revertable = r.revertable() && store.revertBacklog(r.tableOid()) >= 0;
                throw new DoppelException("already_swapped", "migration " + id + " of " + r.tableName() + " has"
                        + " already swapped in the new table (the old one is " + r.oldTable() + "); there is nothing"
                        + " to abort" + (r.outcome() == null ? ": `doppel resume " + id + "` finishes it"
                        : revertable ? ": `doppel revert " + id + "` puts the old table back" : ""));
            }
            ObjectNames names = new ObjectNames(r.tableOid());
            holdOrRefuse(s, names, r);
            try {
                LockRetry lockRetry = new LockRetry(s, options.lockTimeout(), options.lockAttempts(),
                        options.maxLockHeld());
                if (Migration.IN_PLACE.equals(r.capture()) && !r.finished()) {
                    Migration.undoStoppedInPlace(s, lockRetry, r);
                }
                Migration.removeObjects(s, lockRetry, names, r.tableOid());
                if (!r.finished()) {
                    store.finish(id, "aborted", "aborted by request in phase " + r.phase().name().toLowerCase(),
                            null, null);
                }
            } finally {
                AdvisoryLock.release(s, names);
            }
            return null;
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
            throw new DoppelException("database_error", "reverting migration " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** Holds the copy of a running migration at its next chunk, until {@link #unpause}. */
    public void pause(long id) {
        control(id, s -> Control.pause(s, id, true));
    }

    public void unpause(long id) {
        control(id, s -> Control.pause(s, id, false));
    }

    /** Caps a running migration's copy rate from its next chunk on; null returns to the rate it started with. */
    public void throttle(long id, Long maxRowsPerSecond) {
        control(id, s -> Control.throttle(s, id, maxRowsPerSecond));
    }

    /**
     * Replaces one throttle limit of a running migration from its next chunk on (a limit of 0 lifts it); null
     * returns to the limit it started with.
     */
    public void limit(long id, Measure measure, Threshold threshold) {
        control(id, s -> Control.limit(s, id, measure, threshold));
    }

    /** Releases a migration waiting at "ready" to cut over (run with a postponed cut-over). */
    public void cutover(long id) {
        control(id, s -> Control.postponeCutover(s, id, false));
    }

    private interface ControlChange {
        void apply(Session s) throws SQLException;
    }

    private void control(long id, ControlChange change) {
        withSession("changing migration " + id, s -> {
            MigrationRecord r = new MigrationStore(s).load(id);
            if (r.finished()) {
                throw new DoppelException("not_resumable", "migration " + id + " of " + r.tableName() + " already "
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
            LockRetry lockRetry = new LockRetry(s, options.lockTimeout(), options.lockAttempts(), options.maxLockHeld());
            for (MigrationRecord r : store.all()) {
                ObjectNames names = new ObjectNames(r.tableOid());
                if (!AdvisoryLock.tryTake(s, names)) {
                    report.add("migration " + r.id() + " of " + r.tableName() + " is running; left alone");
                    continue;
                }
                try {
                    if (("succeeded".equals(r.outcome()) || "reverted".equals(r.outcome())) && r.oldTable() != null
                            && r.dropAfter() != null && r.dropAfter().isBefore(Instant.now())) {
                        if ("succeeded".equals(r.outcome())) {
                            removeRevertCapture(s, lockRetry, names, r);
                        }
                        new OldTableDrop(s, lockRetry, STEP_PAUSE).drop(r.oldTable());
                        store.oldTableDropped(r.id());
                        report.add("dropped " + r.oldTable() + ", kept since migration " + r.id() + " of "
                                + r.tableName());
                    } else if (r.finished() && !r.swapped() && leftovers(s, names)) {
                        Migration.removeObjects(s, lockRetry, names, r.tableOid());
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
        if (s.text("SELECT to_regclass(?)::text", names.revertCapture().log()) == null) {
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
        }, () -> { });
    }

    private static boolean leftovers(Session s, ObjectNames names) throws SQLException {
        return s.text("SELECT to_regclass(?)::text", names.shadow()) != null
                || s.text("SELECT to_regclass(?)::text", names.log()) != null
                || LogicalSource.slotExists(s, LogicalSource.slotName(s, names));
    }

    private static void holdOrRefuse(Session s, ObjectNames names, MigrationRecord r) throws SQLException {
        if (!AdvisoryLock.tryTake(s, names)) {
            throw new DoppelException("already_running", "migration " + r.id() + " of " + r.tableName() + " is"
                    + " running in another doppel process (backend pid " + r.pid() + "); stop that process first");
        }
    }

    private interface Work<T> {
        T run(Session s) throws SQLException;
    }

    private <T> T withSession(String what, Work<T> work) {
        try (Session s = Session.open(dataSource, "control")) {
            return work.run(s);
        } catch (SQLException e) {
            throw new DoppelException("database_error", what + " failed: " + e.getMessage(), e);
        }
    }
}
