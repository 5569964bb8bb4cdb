package dev.doppel.engine;

import dev.doppel.engine.capture.ChangeSource;
import dev.doppel.engine.capture.LogicalSource;
import dev.doppel.engine.capture.TriggerLogSource;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.DependentObjects;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.copy.KeyResync;
import dev.doppel.engine.copy.RowCopier;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.cutover.OldTableDrop;
import dev.doppel.engine.cutover.SnapshotWait;
import dev.doppel.engine.cutover.Swap;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.plan.ConcurrentIndex;
import dev.doppel.engine.plan.InPlaceSteps;
import dev.doppel.engine.plan.InverseMapping;
import dev.doppel.engine.shadow.DeferredObject;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.shadow.ShadowTableBuilder;
import dev.doppel.engine.sql.AdvisoryLock;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.InPlaceSql;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.Control;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;
import dev.doppel.engine.throttle.ThrottleSettings;
import dev.doppel.engine.throttle.Throttler;
import dev.doppel.engine.verify.Checksummer;
import dev.doppel.engine.verify.QuietPoint;
import dev.doppel.engine.verify.VerifyResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The orchestrator. {@link #proceed} reads like the algorithm: shadow, capture, copy, indexes, replay, verify,
 * cut-over, after — starting wherever a fresh run or a resume begins. A failure that makes the shadow worthless
 * (bad data for the change, a verification mismatch, changed DDL) removes what doppel created and leaves the
 * source as it was; any other stop (a lost connection, a lock not obtained, a killed process) leaves the
 * migration resumable, its capture still recording.
 */
final class Migration {

    private static final Logger log = LoggerFactory.getLogger(Migration.class);
    private static final int REPLAY_BATCH = 5_000;
    /** How long a drain may go without the backlog shrinking before the cut-over tries its bounded lock anyway. */
    private static final Duration DRAIN_PATIENCE = Duration.ofSeconds(30);
    /** How long a drain first waits for logical capture to bring the log up to date. */
    private static final Duration CATCH_UP = Duration.ofSeconds(30);
    /** Entries left for the final replay under the cut-over lock: each costs the locked writers time. */
    private static final long LOCK_BACKLOG = 50;
    /** Failures after which the shadow cannot be trusted or reused: clean up rather than keep for a resume. */
    /** The capture recorded for a change made in place, which captures nothing. */
    static final String IN_PLACE = "none";

    /** Deadlock, lock not available, cancelled: a concurrent build that ended this way may succeed when tried again. */
    private static final Set<String> TRANSIENT_BUILD_FAILURES = Set.of("40P01", "55P03", "57014");

    private final DataSource dataSource;
    private final Options options;
    private final MigrationListener listener;
    private final Map<Phase, Long> phaseMillis = new EnumMap<>(Phase.class);
    private final List<Result.LockHeld> locks = new ArrayList<>();
    private Phase phase;
    private long phaseStarted;

    /** What the phases share. */
    private static final class Context {
        Session control;
        Session worker;
        MigrationStore store;
        Control operator;
        LockRetry lockRetry;
        long id;
        TableInfo source;
        ObjectNames names;
        AlterChange change;
        ShadowTable shadow;
        MigrationSql sql;
        InPlaceSql inPlace;
        String[] checkpoint;
        long copied;
        InverseMapping inverse;
        List<String> warnings = List.of();
        Options.Capture captureMode;
        /** The throttle the copy runs under: the options', over the recorded one on a resume. */
        ThrottleSettings throttle;
        /** The replication slot of logical capture; null with triggers. */
        String slot;
        ChangeSource capture;
    }

    Migration(DataSource dataSource, Options options, MigrationListener listener) {
        this.dataSource = dataSource;
        this.options = options;
        this.listener = listener;
    }

    Result run(String tableName, String alter) throws SQLException {
        try (Session control = Session.open(dataSource, "control");
             Session worker = Session.open(dataSource, "worker")) {
            enter(Phase.PREFLIGHT, "checking " + tableName);
            Plan plan = new Preflight(control, tableName, alter, options).plan();
            Context c = context(control, worker, plan.source());
            c.change = plan.change();
            c.warnings = plan.warnings();
            c.inverse = plan.revert();
            c.captureMode = options.capture();
            c.slot = c.captureMode == Options.Capture.LOGICAL ? LogicalSource.slotName(control, c.names) : null;
            lock(c);
            try {
                c.store.ensureSchema();
                boolean inPlace = plan.strategy() == Plan.Strategy.IN_PLACE;
                c.id = c.store.start(c.source, c.change.text(), changeHash(c.change.text()), options.toString(),
                        OnlineSchemaChange.version(), inPlace ? IN_PLACE : c.captureMode.name().toLowerCase(),
                        inPlace ? null : c.slot);
                c.throttle = options.throttle();
                c.store.recordThrottle(c.id, c.throttle);
                if (options.postponeCutover()) {
                    Control.postponeCutover(control, c.id, true);
                }
                c.store.revertUsing(c.id, options.revertUsing());
                return plan.strategy() == Plan.Strategy.IN_PLACE ? inPlace(c, plan.steps()) : proceed(c, Phase.SHADOW);
            } finally {
                unlock(c);
            }
        }
    }

    /**
     * An in-place change that stopped never committed its last step (that step records the success), so what it
     * added is only doppel's scaffolding: undone, and the change run again from the start as a new migration.
     */
    private Result rerunInPlace(Session control, MigrationRecord r) throws SQLException {
        ObjectNames names = new ObjectNames(r.tableOid());
        AdvisoryLock.claim(control, names, "migration " + r.id() + " of " + r.tableName());
        try {
            undoStoppedInPlace(control, new LockRetry(control, options.lockTimeout(), options.lockAttempts(),
                    options.maxLockHeld()), r);
            new MigrationStore(control).finish(r.id(), Outcome.ABORTED, "stopped in place in phase "
                    + r.phase().name().toLowerCase() + "; undone and run again by resume", null, null);
        } finally {
            AdvisoryLock.release(control, names);
        }
        log.info("migration {} of {} stopped in place; what it added is undone, running the change again", r.id(),
                r.tableName());
        return run(r.tableSql(), r.change());
    }

    /**
     * Removes what a stopped in-place change added before its last step: the indexes it was building concurrently,
     * the constraints it added NOT VALID, and the checks that were to prove NOT NULL. The caller holds the advisory
     * lock.
     */
    static void undoStoppedInPlace(Session control, LockRetry lockRetry, MigrationRecord r) throws SQLException {
        TableInfo source = new CatalogReader(control).read(r.tableOid());
        InPlaceSql sql = new InPlaceSql(source, new ObjectNames(r.tableOid()));
        dropAbandonedBuilds(control, sql, source);
        InPlaceSteps steps = InPlaceSteps.of(AlterParser.parse(r.change()));
        List<String> added = new ArrayList<>(steps == null ? List.of() : steps.validate());
        added.addAll(control.query(sql.provingChecks(), rs -> rs.getString(1)));
        if (!added.isEmpty()) {
            lockRetry.run("removing what the stopped change added to " + source.display(), s -> {
                for (String constraint : added) {
                    s.execute(sql.dropConstraintIfExists(constraint));
                }
                return Boolean.TRUE;
            }, () -> { });
        }
    }

    Result resume(long id) throws SQLException {
        try (Session control = Session.open(dataSource, "control");
             Session worker = Session.open(dataSource, "worker")) {
            enter(Phase.PREFLIGHT, "resuming migration " + id);
            MigrationStore store = new MigrationStore(control);
            MigrationRecord r = store.load(id);
            if (r.finished()) {
                throw new DoppelException(Reason.NOT_RESUMABLE, "migration " + id + " of " + r.tableName() + " already "
                        + r.outcome() + "; there is nothing to resume" + (r.swapped() ? "" : ": run the change again"));
            }
            if (!changeHash(r.change()).equals(r.changeHash())) {
                throw new DoppelException(Reason.NOT_RESUMABLE, "the recorded change of migration " + id + " does not"
                        + " match its hash; the state was edited. Abort it and run the change again");
            }
            if (IN_PLACE.equals(r.capture())) {
                return rerunInPlace(control, r);
            }
            ObjectNames names = new ObjectNames(r.tableOid());
            Context c = context(control, worker, null);
            c.names = names;
            c.id = id;
            c.captureMode = Options.Capture.valueOf(r.capture().toUpperCase());
            c.slot = r.slot();
            lock(c);
            try {
                c.source = r.swapped() ? null : new CatalogReader(control).read(r.tableOid());
                if (c.source != null && !c.source.fingerprint().equals(r.sourceFingerprint())) {
                    throw new DoppelException(Reason.NOT_RESUMABLE, "the definition of " + r.tableName() + " changed since"
                            + " migration " + id + " started (someone ran DDL on it); abort it and run the change again");
                }
                if (c.source != null) {
                    refuseBlockers(c);
                }
                c.change = AlterParser.parse(r.change());
                if (options.revertUsing() != null) {
                    c.store.revertUsing(id, options.revertUsing());
                }
                c.throttle = options.throttle().over(r.throttle());
                c.store.recordThrottle(id, c.throttle);
                Phase from = resumePoint(c, r);
                log.info("resuming migration {} of {} at {}", id, r.tableName(), from);
                return proceed(c, from);
            } finally {
                unlock(c);
            }
        }
    }

    /** Where a stopped migration goes on: phases before the copy are cheap and may be half done, so they restart. */
    private Phase resumePoint(Context c, MigrationRecord r) throws SQLException {
        if (r.swapped()) {
            c.source = new CatalogReader(c.control).read(r.tableSql());
            c.shadow = c.store.loadShadow(c.id);
            return Phase.AFTER;
        }
        // Without its slot, logical capture lost the changes made since it went: only a fresh start is safe.
        boolean slotLost = c.slot != null && !LogicalSource.slotExists(c.control, c.slot);
        if (r.phase().compareTo(Phase.COPY) < 0 || c.control.text("SELECT to_regclass(?)::text", c.names.log()) == null
                || c.control.text("SELECT to_regclass(?)::text", c.names.shadow()) == null || slotLost) {
            removeObjects(c);
            c.control.execute("DELETE FROM doppel.migration_columns WHERE migration_id = " + c.id);
            c.control.execute("DELETE FROM doppel.migration_objects WHERE migration_id = " + c.id);
            return Phase.SHADOW;
        }
        c.shadow = c.store.loadShadow(c.id);
        c.sql = new MigrationSql(c.source, c.names, c.shadow.mapping());
        c.checkpoint = r.checkpoint() == null ? null : r.checkpoint().toArray(String[]::new);
        c.copied = r.rowsCopied();
        return r.phase();
    }

    private Result proceed(Context c, Phase from) throws SQLException {
        boolean swapped = from == Phase.AFTER;
        c.operator = new Control(c.worker, c.id);
        try {
            VerifyResult verify = null;
            long replayed = 0;
            if (from.compareTo(Phase.SHADOW) <= 0) {
                enter(c, Phase.SHADOW, "building " + c.names.shadow());
                c.shadow = c.worker.transaction(s -> {
                    ShadowTable built = new ShadowTableBuilder(s, c.names).build(c.source, c.change);
                    MigrationStore.saveShadow(s, c.id, built);
                    return built;
                });
                c.sql = new MigrationSql(c.source, c.names, c.shadow.mapping());
            }
            if (!swapped) {
                c.capture = c.captureMode == Options.Capture.LOGICAL
                        ? new LogicalSource(dataSource, c.control, c.sql, c.lockRetry, c.slot)
                        : new TriggerLogSource(c.control, c.sql, c.lockRetry);
            }
            if (from.compareTo(Phase.CAPTURE) <= 0) {
                boolean logical = c.captureMode == Options.Capture.LOGICAL;
                enter(c, Phase.CAPTURE, logical ? "creating publication " + c.names.publication()
                        + " and replication slot " + c.slot : "installing the capture trigger");
                c.capture.install();
                locks.add(new Result.LockHeld(logical ? "publication membership (SHARE UPDATE EXCLUSIVE)"
                        : "capture trigger install (SHARE ROW EXCLUSIVE)", c.lockRetry.lastHeldMillis(),
                        c.lockRetry.lastAttempts()));
            }
            if (!swapped) {
                c.capture.start();
            }
            if (from.compareTo(Phase.COPY) <= 0) {
                enter(c, Phase.COPY, c.checkpoint == null ? "copying about " + c.source.estimatedRows() + " rows"
                        : "copying on after " + String.join(", ", c.checkpoint) + " (" + c.copied + " rows done)");
                try (Session signals = Session.open(dataSource, "throttle");
                     Throttler throttler = new Throttler(signals, c.source.oid(), c.source.display(),
                             c.throttle, c.operator, c.id, listener)) {
                    c.copied += new RowCopier(c.worker, c.sql, options, c.id, c.source.display(), throttler)
                            .copyAll(c.checkpoint, c.copied, c.source.estimatedRows(), listener);
                    throttler.done();
                }
            }
            if (from.compareTo(Phase.INDEX) <= 0) {
                if (c.change.orderBy() != null) {
                    enter(c, Phase.INDEX, "ordering the copied rows by " + c.change.orderBy());
                    orderShadow(c);
                }
                enter(c, Phase.INDEX, "building " + c.shadow.deferred().size() + " indexes and constraints");
                buildDeferred(c);
            }
            KeyResync resync = swapped ? null : new KeyResync(c.worker, c.sql, REPLAY_BATCH,
                    c.throttle.replayRowsPerSecond());
            if (from.compareTo(Phase.REPLAY) <= 0) {
                enter(c, Phase.REPLAY, c.worker.number(c.sql.backlog()) + " changes logged during the copy");
                replayed += drain(c, resync, options.cutoverBacklog());
            }
            if (from.compareTo(Phase.VERIFY) <= 0 && options.verify()) {
                enter(c, Phase.VERIFY, "comparing source and shadow");
                try (Session helper = Session.open(dataSource, "verifier");
                     Session quiet = Session.open(dataSource, "verify lock")) {
                    Checksummer checksummer = new Checksummer(c.worker, helper, c.sql, c.source.display(),
                            quietPoint(c, quiet));
                    for (int attempt = 0; verify == null; attempt++) {
                        if (attempt == 10) {
                            throw new DoppelException(Reason.VERIFY_STARVED, "the source of " + c.source.display()
                                    + " was truncated again during each of 10 verification attempts");
                        }
                        replayed += drain(c, resync, options.cutoverBacklog());
                        verify = checksummer.verify();
                    }
                }
            }
            if (from.compareTo(Phase.CUTOVER) <= 0) {
                enter(c, Phase.CUTOVER, "swapping");
                if (c.inverse == null) {
                    c.inverse = c.control.rolledBack(s -> Preflight.inverse(s, c.source, c.shadow, c.names, options));
                }
                Swap swap = new Swap(c.source, c.shadow, c.sql, c.names.oldTableName(Instant.now()));
                replayed += cutover(c, resync, swap);
                swapped = true;
            }
            dropSlot(c);
            enter(c, Phase.AFTER, "validating and analyzing");
            String oldTable = after(c);
            Instant dropAfter = oldTable == null ? null : Instant.now().plus(options.keepOld());
            c.store.recordResult(c.id, new CatalogReader(c.control).read(c.source.qualified()).fingerprint());
            c.store.finish(c.id, Outcome.SUCCEEDED, null, oldTable, dropAfter);
            leave();
            listener.phase(Phase.DONE, "done");
            return new Result(c.id, c.source.display(), Outcome.SUCCEEDED, Plan.Strategy.REWRITE, c.copied, replayed,
                    phaseMillis, locks, verify, oldTable, dropAfter, c.warnings);
        } catch (SQLException | RuntimeException e) {
            Phase failedIn = phase;
            closeCapture(c);
            if (!swapped && e instanceof DoppelException d && d.reason().destructive()) {
                removeObjects(c);
                c.store.finish(c.id, Outcome.FAILED, e.getMessage(), null, null);
                listener.phase(Phase.FAILED, e.getMessage());
                throw e;
            }
            try {
                c.store.stopped(c.id, failedIn, e.getMessage());
            } catch (SQLException | RuntimeException recording) {
                e.addSuppressed(recording);
            }
            listener.phase(Phase.FAILED, e.getMessage());
            throw new DoppelException(Reason.STOPPED, "migration " + c.id + " of " + c.source.display() + " stopped in "
                    + (failedIn == null ? "its first phase" : failedIn.name().toLowerCase()) + ": " + e.getMessage()
                    + ". " + (swapped ? "The new table is in place; `doppel resume " + c.id + "` finishes the"
                    + " validation and analysis" : "Nothing was swapped and " + (c.slot == null
                    ? "the capture trigger keeps recording changes" : "replication slot " + c.slot + " keeps the"
                    + " changes (and the server keeps WAL for it until then)") + "; run `doppel resume " + c.id
                    + "` to go on or `doppel abort " + c.id + "` to remove everything doppel created"), e);
        } finally {
            closeCapture(c);
        }
    }

    private static void closeCapture(Context c) {
        if (c.capture != null) {
            c.capture.close();
        }
    }

    /** After the swap the slot has nothing left to capture, and every hour it stays it keeps WAL. */
    private static void dropSlot(Context c) throws SQLException {
        if (c.slot != null) {
            closeCapture(c);
            LogicalSource.remove(c.control, c.names);
        }
    }

    /** Brings the log up to date with what capture has seen (logical capture lags a little), then re-syncs. */
    private long drain(Context c, KeyResync resync, long until) throws SQLException {
        c.capture.catchUp(CATCH_UP);
        listener.backlog(c.worker.number(c.sql.backlog()));
        long applied = resync.drain(until, DRAIN_PATIENCE);
        listener.replayed(applied);
        return applied;
    }

    /**
     * With logical capture, verification's snapshot is taken under a brief SHARE lock on the source, once the
     * relay has logged every write committed before the lock; the comparison itself then runs without a lock.
     */
    private QuietPoint quietPoint(Context c, Session quiet) {
        if (c.captureMode != Options.Capture.LOGICAL) {
            return QuietPoint.ANY;
        }
        LockRetry lock = new LockRetry(quiet, options.lockTimeout(), options.lockAttempts(), options.maxLockHeld());
        return start -> {
            lock.run("quiet point for verifying " + c.source.display(), s -> {
                s.execute(c.sql.lockForQuietPoint());
                if (!c.capture.catchUp(options.maxLockHeld())) {
                    return null;
                }
                start.run();
                return Boolean.TRUE;
            }, () -> c.capture.catchUp(CATCH_UP));
            locks.add(new Result.LockHeld("verification quiet point (SHARE)", lock.lastHeldMillis(),
                    lock.lastAttempts()));
        };
    }

    /**
     * A change PostgreSQL makes without rewriting or scanning the table under its lock: the ALTER itself, on the
     * table, in short lock attempts so that writers never queue behind it for longer than one attempt; checks and
     * foreign keys validated, and unique indexes built concurrently, while writers go on; then one more short lock
     * to set what was proven and attach the indexes. If a validation or a build fails, what was added is removed
     * again and the table is as it was.
     */
    private Result inPlace(Context c, InPlaceSteps steps) throws SQLException {
        String table = c.source.qualified();
        c.inPlace = new InPlaceSql(c.source, c.names);
        List<String> finish = steps.finish(table);
        boolean scans = !steps.validate().isEmpty() || !steps.indexes().isEmpty();
        boolean recorded = false;
        try {
            enter(c, Phase.CUTOVER, "altering " + c.source.display() + " in place");
            dropAbandonedBuilds(c.worker, c.inPlace, c.source);
            if (steps.locked() != null) {
                recorded = lockedStep(c, "in-place ALTER", steps.locked().statementsFor(table),
                        !scans && finish.isEmpty());
            }
            if (!steps.validate().isEmpty()) {
                enter(c, Phase.VERIFY, "validating " + steps.validate() + " while writers go on");
                validate(c, steps);
            }
            if (!steps.indexes().isEmpty()) {
                enter(c, Phase.INDEX, "building " + steps.indexes().size() + " unique index(es) concurrently");
                buildConcurrently(c, steps);
            }
            if (!finish.isEmpty()) {
                recorded = lockedStep(c, "SET NOT NULL and constraints on the built indexes", finish, true);
            }
            if (!recorded) {
                c.store.recordResult(c.id, new CatalogReader(c.control).read(table).fingerprint());
                c.store.finish(c.id, Outcome.SUCCEEDED, null, null, null);
            }
        } catch (SQLException | RuntimeException e) {
            listener.phase(Phase.FAILED, e.getMessage());
            if (e instanceof DoppelException d && d.reason() == Reason.VALIDATION_FAILED) {
                c.store.finish(c.id, Outcome.FAILED, e.getMessage(), null, null);
                throw e;
            }
            // The last step records the success in its own transaction: whatever committed before is scaffolding.
            c.store.stopped(c.id, phase, e.getMessage());
            throw new DoppelException(Reason.STOPPED, "migration " + c.id + " of " + c.source.display() + " stopped while"
                    + " altering it in place: " + e.getMessage() + ". `doppel resume " + c.id + "` removes what it"
                    + " had added and makes the change again; `doppel abort " + c.id + "` removes it and leaves the"
                    + " table as it was", e);
        }
        leave();
        listener.phase(Phase.DONE, "done");
        return new Result(c.id, c.source.display(), Outcome.SUCCEEDED, Plan.Strategy.IN_PLACE, 0, 0, phaseMillis, locks,
                null, null, null, c.warnings);
    }

    /**
     * Runs {@code statements} under the table's ACCESS EXCLUSIVE lock, taken in short attempts. When {@code last},
     * the migration's success is recorded in the same transaction, so a stopped in-place change is never one whose
     * last step committed: resume and abort may then undo what it added. Returns {@code last}.
     */
    private boolean lockedStep(Context c, String what, List<String> statements, boolean last) throws SQLException {
        long[] lockedAt = new long[1];
        c.lockRetry.run(what + " on " + c.source.display(), s -> {
            s.execute(c.inPlace.lockExclusive());
            lockedAt[0] = System.nanoTime();
            for (String statement : statements) {
                s.execute(statement);
            }
            if (last) {
                c.store.recordResult(c.id, new CatalogReader(s).read(c.source.qualified()).fingerprint());
                c.store.finish(c.id, Outcome.SUCCEEDED, null, null, null);
            }
            return Boolean.TRUE;
        }, () -> { });
        locks.add(new Result.LockHeld(what + " (ACCESS EXCLUSIVE)", (System.nanoTime() - lockedAt[0]) / 1_000_000,
                c.lockRetry.lastAttempts()));
        return last;
    }

    /** VALIDATE scans under SHARE UPDATE EXCLUSIVE, which writers do not wait on; it may take long on a big table. */
    private void validate(Context c, InPlaceSteps steps) throws SQLException {
        c.worker.execute("SET statement_timeout = 0");
        try {
            for (String constraint : steps.validate()) {
                c.worker.execute(c.inPlace.validateConstraint(constraint));
            }
        } catch (SQLException e) {
            undoInPlace(c, steps);
            throw new DoppelException(Reason.VALIDATION_FAILED, "the rows of " + c.source.display() + " do not satisfy"
                    + " the change: " + e.getMessage() + ". The constraints doppel had added NOT VALID were removed"
                    + " again; the table is as it was. Fix the rows, then run the change again", e);
        } finally {
            c.worker.execute("SET statement_timeout = '10min'");
        }
    }

    /**
     * CREATE UNIQUE INDEX CONCURRENTLY waits for, but never blocks, writers. A build that fails leaves an INVALID
     * index behind, which is dropped (concurrently too); a build cancelled by a deadlock or a lock timeout is tried
     * again, duplicates end the change with what was added removed.
     */
    private void buildConcurrently(Context c, InPlaceSteps steps) throws SQLException {
        c.worker.execute("SET statement_timeout = 0");
        try {
            for (ConcurrentIndex index : steps.indexes()) {
                for (int attempt = 1; ; attempt++) {
                    try {
                        c.worker.execute(index.build(c.source.qualified()));
                        break;
                    } catch (SQLException e) {
                        c.worker.execute(c.inPlace.dropBuildIndex(index.buildName()));
                        if (!TRANSIENT_BUILD_FAILURES.contains(e.getSQLState()) || attempt == 3) {
                            undoInPlace(c, steps);
                            throw new DoppelException(Reason.VALIDATION_FAILED, "building the unique index of "
                                    + index.constraint() + " on " + c.source.display() + " failed: " + e.getMessage()
                                    + ". The invalid index and whatever else doppel had added were dropped; the table"
                                    + " is as it was." + ("23505".equals(e.getSQLState())
                                    ? " Remove the duplicates, then run the change again" : ""), e);
                        }
                        log.warn("building the unique index of {} on {} failed ({}); trying again", index.constraint(),
                                c.source.display(), e.getMessage());
                    }
                }
            }
        } finally {
            c.worker.execute("SET statement_timeout = '10min'");
        }
    }

    /** Removes the constraints and indexes an in-place change added before one of its scans failed. */
    private void undoInPlace(Context c, InPlaceSteps steps) throws SQLException {
        for (ConcurrentIndex index : steps.indexes()) {
            c.worker.execute(c.inPlace.dropBuildIndex(index.buildName()));
        }
        if (!steps.validate().isEmpty()) {
            lockedStep(c, "removing the constraints that did not validate",
                    steps.validate().stream().map(c.inPlace::dropConstraintIfExists).toList(), false);
        }
    }

    /**
     * Indexes an earlier, stopped run was building concurrently: INVALID or never attached, and doppel's by name.
     * Dropped concurrently, so {@code s} must not be in a transaction.
     */
    private static void dropAbandonedBuilds(Session s, InPlaceSql sql, TableInfo source) throws SQLException {
        for (String index : s.query(sql.abandonedBuildIndexes(), rs -> rs.getString(1))) {
            log.warn("dropping index {} that an earlier doppel run left unfinished on {}", index, source.display());
            s.execute(sql.dropBuildIndex(index));
        }
    }

    /** CLUSTER rewrites the bare shadow in the repack's order before its indexes exist, so they are built once. */
    private void orderShadow(Context c) throws SQLException {
        c.worker.execute("SET statement_timeout = 0");
        try {
            for (String statement : c.sql.orderShadow(c.change.orderBy())) {
                c.worker.execute(statement);
            }
        } finally {
            c.worker.execute("SET statement_timeout = '10min'");
        }
    }

    /** Builds the deferred indexes and constraints a resume has not found built yet. */
    private void buildDeferred(Context c) throws SQLException {
        // Index builds read only the shadow, which nothing else touches: no time limit there.
        c.worker.execute("SET statement_timeout = 0");
        for (DeferredObject d : c.shadow.deferred()) {
            DoppelException.stopIfInterrupted("building the shadow's indexes");
            boolean built = c.worker.text("SELECT relname FROM pg_class WHERE relnamespace = ?::regnamespace"
                    + " AND relname = ?", ObjectNames.SCHEMA, d.name()) != null;
            if (!built) {
                try {
                    c.worker.execute(d.create());
                } catch (SQLException e) {
                    if (RowCopier.dataError(e)) {
                        throw new DoppelException(Reason.INDEX_FAILED, "building " + d.name() + " for the new schema of "
                                + c.source.display() + " failed: " + e.getMessage() + ". The rows do not satisfy the"
                                + " change (a new unique key over duplicates?); the source is untouched", e);
                    }
                    throw e;
                }
            }
        }
        c.worker.execute("SET statement_timeout = '10min'");
    }

    /** A resume may find it validated already. */
    private static void validateIfPending(Session s, String table, String constraint) throws SQLException {
        if (s.number(MigrationSql.notValidated(), table, constraint) > 0) {
            s.execute(MigrationSql.validateConstraint(table, constraint));
        }
    }

    /** Validates the foreign keys added NOT VALID at the swap, analyzes, and keeps or drops the old table. */
    private String after(Context c) throws SQLException {
        String newTable = c.source.qualified();
        for (ForeignKey fk : c.shadow.foreignKeys()) {
            if (fk.validate()) {
                validateIfPending(c.worker, newTable, fk.name());
            }
        }
        for (String[] fk : c.store.toValidate(c.id)) {
            validateIfPending(c.worker, fk[0], fk[1]);
        }
        c.worker.execute("ANALYZE " + newTable);
        String oldTable = c.store.load(c.id).oldTable();
        if (options.keepOld().isZero()) {
            new OldTableDrop(c.control, c.lockRetry, Duration.ofSeconds(1)).drop(oldTable);
            return null;
        }
        return oldTable;
    }

    /**
     * Waits out older snapshots, then takes ACCESS EXCLUSIVE in short attempts; under the lock it applies the last
     * log entries, checks that the source's definition did not change since planning, swaps, and records the swap
     * in the same transaction. It gives the lock back instead of holding it past {@link Options#maxLockHeld()}.
     */
    private long cutover(Context c, KeyResync resync, Swap swap) throws SQLException {
        drain(c, resync, options.cutoverBacklog());
        if (held(c)) {
            listener.phase(Phase.CUTOVER, "ready; waiting for " + (options.cutoverWindow() == null ? ""
                    : "the cut-over window " + options.cutoverWindow() + " or ") + "`doppel cutover " + c.id
                    + "` (replay goes on)");
            log.info("migration {} is ready and waits to cut over", c.id);
            while (held(c)) {
                drain(c, resync, options.cutoverBacklog());
                sleep(500);
            }
        }
        // Something added since the start (a materialized view, a rule, a FOR ALL TABLES publication) would be lost.
        refuseBlockers(c);
        drain(c, resync, options.cutoverBacklog());
        new SnapshotWait(c.control).await(options.snapshotWait());
        // The wait let changes queue up; what is left for the lock should be a handful, replayed in milliseconds.
        drain(c, resync, LOCK_BACKLOG);
        long[] lockedAt = new long[1];
        long applied = c.lockRetry.run("cut-over of " + c.source.display(), s -> {
            // Tables referencing the source first, in OID order: their writers check keys in the source, so
            // locking the source first would leave them holding their own table while waiting on the source.
            List<String> tables = new ArrayList<>(s.query("SELECT conrelid::regclass::text FROM pg_constraint"
                    + " WHERE contype = 'f' AND confrelid = ? AND conrelid <> ? GROUP BY conrelid ORDER BY conrelid",
                    rs -> rs.getString(1), c.source.oid(), c.source.oid()));
            tables.add(c.source.qualified());
            s.execute("LOCK TABLE " + String.join(", ", tables) + " IN ACCESS EXCLUSIVE MODE");
            lockedAt[0] = System.nanoTime();
            // Logical capture: every write committed before the lock must be in the log before the last re-sync.
            if (!c.capture.catchUp(options.maxLockHeld())) {
                log.info("logical capture did not catch up within {} under the lock; giving it back",
                        options.maxLockHeld());
                return null;
            }
            long n = resync.applyAll(s);
            long replayed = System.nanoTime();
            if (!new CatalogReader(s).fingerprint(c.source.oid()).equals(c.source.fingerprint())) {
                throw new DoppelException(Reason.SOURCE_CHANGED, "the definition of " + c.source.display() + " changed"
                        + " while doppel was migrating it (someone ran DDL on it); nothing was swapped. Run the"
                        + " migration again against the new definition");
            }
            long checked = System.nanoTime();
            endEarlierReverts(s, c);
            MigrationStore.recordSwap(s, c.id, swap.oldTable(), swap.run(s));
            prepareRevert(s, c, swap);
            log.info("cut-over under lock: {} changes replayed in {} ms, definition checked in {} ms, swapped in {} ms",
                    n, (replayed - lockedAt[0]) / 1_000_000, (checked - replayed) / 1_000_000,
                    (System.nanoTime() - checked) / 1_000_000);
            if (System.nanoTime() - lockedAt[0] > options.maxLockHeld().toNanos()) {
                log.info("cut-over would hold its lock longer than {}; giving it back", options.maxLockHeld());
                return null;
            }
            return n;
        }, () -> drain(c, resync, LOCK_BACKLOG));
        long heldMillis = (System.nanoTime() - lockedAt[0]) / 1_000_000;
        locks.add(new Result.LockHeld("cut-over (ACCESS EXCLUSIVE)", heldMillis, c.lockRetry.lastAttempts()));
        log.info("cut-over held ACCESS EXCLUSIVE on {} for {} ms", c.source.display(), heldMillis);
        listener.replayed(applied);
        return applied;
    }

    /**
     * In the swap's transaction: records what a revert needs and, when the change has an inverse, installs the
     * revert capture on the new table, so that every write after the swap is logged for the old table's re-sync.
     */
    /**
     * In the swap's transaction: an earlier migration's revert capture on the source would log writes to a table
     * this swap retires, so it goes, and that migration records why it can no longer be reverted (plan warned).
     */
    private static void endEarlierReverts(Session s, Context c) throws SQLException {
        for (long earlier : s.query(MigrationSql.revertCapturesOn(), rs -> rs.getLong(1), c.source.oid())) {
            for (String statement : MigrationSql.dropCapture(new ObjectNames(earlier).revertCapture(),
                    c.source.qualified())) {
                s.execute(statement);
            }
            MigrationStore.revertEnded(s, earlier, c.id, c.source.display());
        }
    }

    private void prepareRevert(Session s, Context c, Swap swap) throws SQLException {
        List<String[]> indexNames = new ArrayList<>();
        for (int i = 0; i < c.source.indexes().size(); i++) {
            indexNames.add(new String[] {c.source.indexes().get(i).name(), c.names.oldIndexName(i)});
        }
        List<ForeignKey> foreignKeys = c.source.constraints().stream().filter(k -> k.type() == 'f')
                .map(k -> new ForeignKey(k.name(), k.definition().replaceAll(" NOT VALID$", ""), k.validated()))
                .toList();
        MigrationStore.recordRevertPlan(s, c.id, indexNames, foreignKeys, c.inverse.refusal());
        if (c.inverse.exists()) {
            MigrationSql back = MigrationSql.reverse(c.source.qualified(), swap.oldTable(), c.names,
                    c.inverse.mapping());
            s.execute(back.createLog());
            s.execute(back.createCaptureFunction());
            for (String statement : back.createTriggers()) {
                s.execute(statement);
            }
        }
    }

    /** Whether the swap must wait: postponed by request, or outside its window and not released. */
    private boolean held(Context c) throws SQLException {
        Control.Settings settings = c.operator.current();
        boolean outsideWindow = options.cutoverWindow() != null && !options.cutoverWindow().contains(Instant.now());
        return settings.cutoverPostponed() || outsideWindow && !settings.cutoverReleased();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DoppelException(Reason.INTERRUPTED, "stopped by request while waiting for the cut-over to be released", e);
        }
    }

    private static void refuseBlockers(Context c) throws SQLException {
        List<String> blockers = DependentObjects.blockers(c.control, c.source);
        if (!blockers.isEmpty()) {
            throw new DoppelException(Reason.UNSUPPORTED_DEPENDENTS, "since migration " + c.id + " started, objects"
                    + " doppel cannot carry appeared on " + c.source.display() + ":\n  - " + String.join("\n  - ",
                    blockers) + "\nNothing was swapped; remove them and resume, or abort");
        }
    }

    /** Removes the trigger or the slot and publication, the log and the shadow: the source is left as before. */
    static void removeObjects(Session control, LockRetry lockRetry, ObjectNames names, long sourceOid)
            throws SQLException {
        String source = control.text("SELECT relname FROM pg_class WHERE oid = ?", sourceOid) == null ? null
                : control.text("SELECT ?::oid::regclass::text", sourceOid);
        if (source != null) {
            lockRetry.run("removing the capture trigger from " + source, s -> {
                for (String statement : MigrationSql.dropCapture(names, source)) {
                    s.execute(statement);
                }
                return Boolean.TRUE;
            }, () -> { });
        }
        control.execute("DROP FUNCTION IF EXISTS " + names.captureFunction() + "()");
        LogicalSource.remove(control, names);
        control.execute("DROP TABLE IF EXISTS " + names.log());
        control.execute("DROP TABLE IF EXISTS " + names.shadow());
    }

    private void removeObjects(Context c) {
        try {
            removeObjects(c.control, c.lockRetry, c.names, c.names.oid());
        } catch (SQLException | RuntimeException e) {
            log.error("could not remove doppel's objects for table oid {}: {}; run `doppel abort {}` once the database"
                    + " is reachable", c.names.oid(), e.getMessage(), c.id);
        }
    }

    private Context context(Session control, Session worker, TableInfo source) throws SQLException {
        Context c = new Context();
        c.control = control;
        c.worker = worker;
        c.source = source;
        c.names = source == null ? null : new ObjectNames(source.oid());
        c.store = new MigrationStore(control);
        c.lockRetry = new LockRetry(control, options.lockTimeout(), options.lockAttempts(), options.maxLockHeld());
        configure(worker);
        return c;
    }

    private void lock(Context c) throws SQLException {
        AdvisoryLock.claim(c.control, c.names, c.source == null ? "migration " + c.id
                : c.source.display());
        // From here on every lock doppel asks for on the source is a short attempt.
        c.control.execute("SET lock_timeout = " + Identifiers.literal(options.lockTimeout().toMillis() + "ms"));
    }

    /**
     * Releases the table's advisory lock. A session-level advisory lock ends with its session, so when the control
     * connection is gone (a server restart, a network cut) there is nothing to release, and the error that stopped
     * the migration is the one to report.
     */
    private static void unlock(Context c) {
        try {
            AdvisoryLock.release(c.control, c.names);
        } catch (SQLException e) {
            log.warn("could not release the advisory lock of table oid {} ({}); it ends with the lost session",
                    c.names.oid(), e.getMessage());
        }
    }

    private void configure(Session worker) throws SQLException {
        // Each chunk commits with its checkpoint: losing the last few to a crash loses nothing but time.
        worker.execute("SET synchronous_commit = off");
        // A safety net for runaway statements; chunks and replay batches are sized to take well under a second.
        worker.execute("SET lock_timeout = '5s'");
        worker.execute("SET statement_timeout = '10min'");
        worker.execute("SET maintenance_work_mem = " + Identifiers.literal(options.maintenanceWorkMem()));
    }

    static String changeHash(String change) {
        return Session.sha256(change);
    }

    private void enter(Phase next, String detail) {
        leave();
        phase = next;
        phaseStarted = System.nanoTime();
        log.info("{}: {}", next, detail);
        listener.phase(next, detail);
    }

    /** Records the phase before announcing it, so a process killed in a phase leaves that phase recorded. */
    private void enter(Context c, Phase next, String detail) throws SQLException {
        DoppelException.stopIfInterrupted("starting phase " + next.name().toLowerCase());
        c.store.phase(c.id, next, detail);
        enter(next, detail);
    }

    private void leave() {
        if (phase != null) {
            phaseMillis.merge(phase, (System.nanoTime() - phaseStarted) / 1_000_000, Long::sum);
            phase = null;
        }
    }
}
