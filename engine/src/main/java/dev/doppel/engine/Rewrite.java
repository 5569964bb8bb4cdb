package dev.doppel.engine;

import dev.doppel.engine.capture.Captures;
import dev.doppel.engine.capture.ChangeSource;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.DependentObjects;
import dev.doppel.engine.catalog.LeafPartition;
import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.copy.ChunkPacer;
import dev.doppel.engine.copy.KeyResync;
import dev.doppel.engine.copy.RowCopier;
import dev.doppel.engine.cutover.AfterSwap;
import dev.doppel.engine.cutover.BoundedCutover;
import dev.doppel.engine.cutover.OldTableDrop;
import dev.doppel.engine.cutover.LeafSwap;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.cutover.MaterializedViews;
import dev.doppel.engine.cutover.Swap;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.plan.InverseMapping;
import dev.doppel.engine.shadow.DeferredBuilds;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.shadow.ShadowTableBuilder;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.OperatorRequests;
import dev.doppel.engine.state.Leftovers;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;
import dev.doppel.engine.throttle.ThrottleSettings;
import dev.doppel.engine.throttle.Throttler;
import dev.doppel.engine.verify.Checksummer;
import dev.doppel.engine.verify.VerifyResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The orchestrator of one rewrite. {@link #proceed} reads like the algorithm: shadow, capture, copy, indexes,
 * replay, verify, cut-over, after — starting wherever a fresh run or a resume begins. A failure that makes the
 * shadow worthless ({@link Reason#destructive()}) removes what doppel created and leaves the source as it was; any
 * other stop (a lost connection, a lock not obtained, a killed process) leaves the migration resumable, its capture
 * still recording. A change PostgreSQL makes in place goes to {@link InPlaceChange} instead.
 */
final class Rewrite {

    private static final Logger log = LoggerFactory.getLogger(Rewrite.class);
    private static final int REPLAY_BATCH = 5_000;
    /** How long a drain may go without the backlog shrinking before the cut-over tries its bounded lock anyway. */
    private static final Duration DRAIN_PATIENCE = Duration.ofSeconds(30);
    /** How long a drain first waits for the capture to bring the log up to date. */
    private static final Duration CATCH_UP = Duration.ofSeconds(30);
    /** Verification attempts a TRUNCATE of the source may restart before doppel gives up. */
    private static final int VERIFY_ATTEMPTS = 10;

    private final DataSource dataSource;
    private final Options options;
    private final MigrationListener listener;
    private final PhaseClock clock;

    private Workspace w;
    private long id;
    private TableInfo source;
    private ObjectNames names;
    private AlterChange change;
    private ShadowTable shadow;
    private MigrationSql sql;
    private String[] checkpoint;
    private long copied;
    private long replayed;
    private InverseMapping inverse;
    private List<String> warnings = List.of();
    private Options.Capture captureMode;
    /** The throttle the copy runs under: the options', over the recorded one on a resume. */
    private ThrottleSettings throttle;
    /** The replication slot of logical capture; null with triggers. */
    private String slot;
    private ChangeSource capture;
    private KeyResync resync;

    Rewrite(DataSource dataSource, Options options, MigrationListener listener) {
        this.dataSource = dataSource;
        this.options = options;
        this.listener = listener;
        this.clock = new PhaseClock(listener);
    }

    Result run(String tableName, String alter) throws SQLException {
        try (Workspace opened = Workspace.open(dataSource, options)) {
            w = opened;
            clock.enter(Phase.PREFLIGHT, "checking " + tableName);
            Plan plan = new Preflight(w.control, tableName, alter, options).plan(false);
            source = plan.source();
            names = new ObjectNames(source.oid());
            change = plan.change();
            warnings = plan.warnings();
            inverse = plan.revert();
            captureMode = options.capture();
            slot = Captures.slotFor(captureMode, w.control, names);
            w.claim(names, source.display());
            w.store.ensureSchema();
            boolean inPlace = plan.strategy() == Plan.Strategy.IN_PLACE;
            id = w.store.start(source, change.text(), MigrationStore.changeHash(change.text()), options.toString(),
                    OnlineSchemaChange.version(), inPlace ? InPlaceChange.CAPTURE : captureMode.name().toLowerCase(),
                    inPlace ? null : slot);
            throttle = options.throttle();
            w.store.recordThrottle(id, throttle);
            if (options.postponeCutover()) {
                OperatorRequests.postponeCutover(w.control, id, true);
            }
            w.store.revertUsing(id, options.revertUsing());
            return inPlace ? new InPlaceChange(w, clock, id, source, plan.steps()).run(warnings)
                    : proceed(Phase.SHADOW);
        }
    }

    Result resume(long resumed) throws SQLException {
        MigrationRecord r;
        try (Workspace opened = Workspace.open(dataSource, options)) {
            w = opened;
            id = resumed;
            clock.enter(Phase.PREFLIGHT, "resuming migration " + id);
            r = w.store.loadResumable(id);
            names = new ObjectNames(r.tableOid());
            w.claim(names, "migration " + id + " of " + r.tableName());
            if (!InPlaceChange.CAPTURE.equals(r.capture())) {
                Phase from = resumePoint(r);
                log.info("resuming migration {} of {} at {}", id, r.tableName(), from);
                return proceed(from);
            }
            // A stopped in-place change never committed its last step: what it added is scaffolding, undone.
            InPlaceChange.undoStopped(w.control, w.lockRetry, r);
            w.store.finish(id, Outcome.ABORTED, "stopped in place in phase " + r.phase().name().toLowerCase()
                    + "; undone and run again by resume", null, null);
        }
        log.info("migration {} of {} stopped in place; what it added is undone, running the change again", id,
                r.tableName());
        return new Rewrite(dataSource, options, listener).run(r.tableSql(), r.change());
    }

    /** Where a stopped migration goes on: phases before the copy are cheap and may be half done, so they restart. */
    private Phase resumePoint(MigrationRecord r) throws SQLException {
        captureMode = Options.Capture.valueOf(r.capture().toUpperCase());
        slot = r.slot();
        change = AlterParser.parse(r.change());
        CatalogReader catalog = new CatalogReader(w.control);
        source = r.swapped() ? catalog.read(r.tableSql()) : catalog.read(r.tableOid());
        if (!r.swapped()) {
            if (!source.fingerprint().equals(r.sourceFingerprint())) {
                throw new DoppelException(Reason.NOT_RESUMABLE, "the definition of " + r.tableName() + " changed"
                        + " since migration " + id + " started (someone ran DDL on it); abort it and run the change"
                        + " again");
            }
            DependentObjects.refuseAppeared(w.control, source, id);
        }
        if (options.revertUsing() != null) {
            w.store.revertUsing(id, options.revertUsing());
        }
        throttle = options.throttle().over(r.throttle());
        w.store.recordThrottle(id, throttle);
        // Without its slot, logical capture lost the changes made since it went: only a fresh start is safe.
        if (!r.swapped() && (r.phase().compareTo(Phase.COPY) < 0 || !w.control.exists(names.log())
                || !w.control.exists(names.shadow()) || Captures.lost(w.control, slot))) {
            removeLeftovers();
            w.store.forgetShadow(id);
            return Phase.SHADOW;
        }
        shadow = w.store.loadShadow(id);
        sql = new MigrationSql(source, change.targetTree(source), names, shadow.mapping());
        checkpoint = r.checkpoint() == null ? null : r.checkpoint().toArray(String[]::new);
        copied = r.rowsCopied();
        return r.swapped() ? Phase.AFTER : r.phase();
    }

    private Result proceed(Phase from) throws SQLException {
        boolean swapped = from == Phase.AFTER;
        VerifyResult verify = null;
        try {
            if (from.compareTo(Phase.SHADOW) <= 0) {
                buildShadow();
            }
            capture = Captures.open(captureMode, dataSource, w.control, sql, w.lockRetry, slot);
            if (!swapped) {
                if (from.compareTo(Phase.CAPTURE) <= 0) {
                    installCapture();
                }
                capture.start();
                resync = new KeyResync(w.worker, sql, REPLAY_BATCH, throttle.replayRowsPerSecond());
                if (from.compareTo(Phase.COPY) <= 0) {
                    copy();
                }
                if (from.compareTo(Phase.INDEX) <= 0) {
                    buildIndexes();
                }
                if (from.compareTo(Phase.REPLAY) <= 0) {
                    replay();
                }
                if (from.compareTo(Phase.VERIFY) <= 0 && options.verify()) {
                    verify = verify();
                }
                cutOver();
                swapped = true;
            }
            capture.afterSwap();
            // Not in the swap: its commit would then have waited for a WAL flush with the lock held.
            w.control.execute(sql.dropLog());
            return succeeded(verify, after());
        } catch (SQLException | RuntimeException e) {
            throw stop(e, swapped);
        } finally {
            if (capture != null) {
                capture.close();
            }
        }
    }

    private void buildShadow() throws SQLException {
        clock.enter(w.store, id, Phase.SHADOW, "building " + names.shadow());
        // Adding the foreign keys to the shadow locks the tables they reference (the table itself for a
        // self-reference) against writes until the build commits: short attempts, as for every other lock, so that
        // their writers never queue behind a long wait.
        LockRetry retry = options.lockRetry(w.worker);
        shadow = retry.run("building " + names.shadow(), s -> {
            ShadowTable built = new ShadowTableBuilder(s, names).build(source, change);
            LeafPartition leaf = LeafPartition.read(s, source.oid());
            if (leaf != null) {
                LeafSwap.prepare(s, leaf, names);
            }
            for (String heap : MigrationSql.shadowHeaps(names, change.targetTree(source))) {
                s.execute(MigrationSql.holdAutovacuum(heap));
            }
            MigrationStore.saveShadow(s, id, built);
            return built;
        }, LockRetry.NOTHING_BETWEEN);
        if (!shadow.foreignKeys().isEmpty()) {
            clock.held("shadow build (SHARE ROW EXCLUSIVE on the referenced tables)", retry.lastHeldMillis(),
                    retry.lastAttempts());
        }
        sql = new MigrationSql(source, change.targetTree(source), names, shadow.mapping());
    }

    private void installCapture() throws SQLException {
        clock.enter(w.store, id, Phase.CAPTURE, capture.installing());
        capture.install();
        clock.held(capture.installLock(), w.lockRetry.lastHeldMillis(), w.lockRetry.lastAttempts());
    }

    /**
     * Copies the rows; a partitioned source leaf by leaf, except when a copy an earlier doppel started through the
     * root stopped after its first chunk (its checkpoint is a key of the whole tree): that one goes on as it began.
     */
    private void copy() throws SQLException {
        List<PartitionTree.Partition> leaves = source.partitions().partitioned() && checkpoint == null
                ? source.partitions().leaves().stream().sorted(Comparator.comparing(PartitionTree.Partition::display))
                .toList() : null;
        clock.enter(w.store, id, Phase.COPY, leaves != null ? "copying about " + source.estimatedRows() + " rows"
                + " partition by partition (" + leaves.size() + ")" + (copied > 0 ? ", " + copied + " rows done" : "")
                : checkpoint == null ? "copying about " + source.estimatedRows() + " rows"
                : "copying on after " + String.join(", ", checkpoint) + " (" + copied + " rows done)");
        try (Session signals = Session.open(dataSource, "throttle");
             Throttler throttler = new Throttler(signals, source.oid(), source.display(), throttle,
                     new OperatorRequests(w.worker, id), id, listener)) {
            RowCopier copier = new RowCopier(w.worker, sql, options, id, source.display(), throttler);
            copied += leaves != null ? copier.copyPartitions(leaves, copied, source.estimatedRows(), listener)
                    : copier.copyAll(checkpoint, copied, source.estimatedRows(), listener);
            throttler.done();
        }
    }

    private void buildIndexes() throws SQLException {
        DeferredBuilds builds = new DeferredBuilds(w.worker, sql, source.display());
        if (change.orderBy() != null) {
            clock.enter(w.store, id, Phase.INDEX, "ordering the copied rows by " + change.orderBy());
            builds.order(change.orderBy());
        }
        clock.enter(w.store, id, Phase.INDEX, "building " + shadow.deferred().size() + " indexes and constraints");
        OperatorRequests operator = new OperatorRequests(w.control, id);
        try (Session signals = Session.open(dataSource, "throttle");
             Throttler throttler = new Throttler(signals, source.oid(), source.display(), throttle, operator, id,
                     listener)) {
            // Each build is one statement: the throttle holds the next one while a limit is exceeded or the
            // operator paused the migration, and a paced migration builds them with one process.
            builds.build(shadow, () -> drain(0), throttler::await, paced(operator));
            throttler.done();
        }
    }

    /** Throttled in any way, from the start or by the operator since. */
    private boolean paced(OperatorRequests operator) throws SQLException {
        OperatorRequests.Settings live = operator.current();
        return options.maxRowsPerSecond() > 0 || !throttle.limits().isEmpty()
                || (live.maxRowsPerSecond() != null && live.maxRowsPerSecond() > 0) || !live.limits().isEmpty();
    }

    private void replay() throws SQLException {
        clock.enter(w.store, id, Phase.REPLAY, w.worker.number(sql.backlog()) + " changes logged during the copy");
        drain(options.cutoverBacklog());
    }

    /** Compares source and shadow at a quiet point; a TRUNCATE of the source during a pass starts it again. */
    private VerifyResult verify() throws SQLException {
        clock.enter(w.store, id, Phase.VERIFY, "comparing source and shadow");
        OperatorRequests operator = new OperatorRequests(w.control, id);
        try (Session helper = Session.open(dataSource, "verifier");
             Session quiet = Session.open(dataSource, "verify lock");
             Session signals = Session.open(dataSource, "throttle");
             Throttler throttler = new Throttler(signals, source.oid(), source.display(), throttle, operator, id,
                     listener)) {
            // A paced migration verifies at the copy's pace; one that is not, at full speed.
            Checksummer checksummer = new Checksummer(w.worker, helper, sql, source.display(),
                    capture.quietPoint(options.lockRetry(quiet), options.maxLockHeld(), clock),
                    paced(operator) ? new ChunkPacer(throttler, options) : null);
            for (int attempt = 0; attempt < VERIFY_ATTEMPTS; attempt++) {
                drain(options.cutoverBacklog());
                VerifyResult result = checksummer.verify();
                if (result != null) {
                    throttler.done();
                    return result;
                }
            }
        }
        throw new DoppelException(Reason.VERIFY_STARVED, "the source of " + source.display() + " was truncated"
                + " again during each of " + VERIFY_ATTEMPTS + " verification attempts");
    }

    /**
     * Waits while the cut-over is held (postponed, or outside its window), then swaps through the bounded cut-over:
     * under the lock the last entries are re-synced, the swap made and recorded, and the revert prepared.
     */
    private void cutOver() throws SQLException {
        clock.enter(w.store, id, Phase.CUTOVER, "swapping");
        if (inverse == null) {
            inverse = w.control.rolledBack(s -> Preflight.inverse(s, source, shadow, names, options));
        }
        drain(options.cutoverBacklog());
        CutoverHold hold = new CutoverHold(new OperatorRequests(w.worker, id), options.cutoverWindow());
        if (hold.held()) {
            listener.phase(Phase.CUTOVER, "ready; waiting for " + (options.cutoverWindow() == null ? ""
                    : "the cut-over window " + options.cutoverWindow() + " or ") + "`doppel cutover " + id
                    + "` (replay goes on)");
            log.info("migration {} is ready and waits to cut over", id);
            while (hold.held()) {
                drain(options.cutoverBacklog());
                DoppelException.pause(Duration.ofMillis(500), "waiting for the cut-over to be released");
            }
        }
        DependentObjects.refuseAppeared(w.control, source, id);
        LeafPartition leaf = LeafPartition.read(w.control, source.oid());
        if (leaf != null && leaf.guardsDefault()) {
            clock.enter(w.store, id, Phase.CUTOVER, "checking that the default partition holds none of the"
                    + " partition's rows");
            LeafSwap.guardDefault(w.control, w.worker, w.lockRetry, leaf, names);
        }
        // Built from the shadow as late as can be, so that their rows are as fresh as the swap allows.
        MaterializedViews matviews = MaterializedViews.read(w.control, source, names);
        if (!matviews.isEmpty()) {
            clock.enter(w.store, id, Phase.CUTOVER, "building " + matviews.names().size()
                    + " materialized view(s) again against the new table");
            // Populating reads the whole shadow, however long the views' queries take; nothing waits on it.
            w.worker.unbounded(s -> {
                matviews.build(s, false);
                return null;
            });
        }
        Swap swap = new Swap(source, shadow, sql, names.oldTableName(Instant.now()), options.widenSequences(),
                matviews);
        // A partition repacked alone leaves and rejoins its tree around the plain swap, its parent locked too.
        LeafSwap leafSwap = leaf == null ? null : new LeafSwap(source, leaf, names, swap);
        drain(options.cutoverBacklog());
        BoundedCutover.Held held = new BoundedCutover(w.control, w.lockRetry, options.snapshotWait(),
                options.maxLockHeld()).lockingFirst(leaf == null ? List.of() : leaf.lockedFirst())
                .run("cut-over of " + source.display(), source, names.shadow(), "migrating",
                this::drain, (s, deadline) -> capture.catchUp(Duration.ofNanos(deadline - System.nanoTime()))
                        ? resync.applyAllBefore(s, deadline) : null, s -> {
                    Revert.endEarlier(s, id, source);
                    MigrationStore.recordSwap(s, id, swap.oldTable(), leafSwap == null ? swap.run(s)
                            : leafSwap.run(s));
                    Revert.prepare(s, id, source, sql.targetPartitions(), swap.retiredPartitionIndexes(), inverse,
                            swap.oldTable());
                });
        clock.held("cut-over (ACCESS EXCLUSIVE)", held.millis(), held.attempts());
        replayed += held.applied();
        listener.replayed(held.applied());
    }

    /** Validates what the swap added NOT VALID and keeps or drops the old table; null when dropped. */
    private String after() throws SQLException {
        clock.enter(w.store, id, Phase.AFTER, "validating foreign keys");
        String newTable = source.qualified();
        List<String[]> foreignKeys = new ArrayList<>();
        shadow.foreignKeys().stream().filter(ForeignKey::validate)
                .forEach(fk -> foreignKeys.add(new String[] {newTable, fk.name()}));
        List<String> notValidated = AfterSwap.settle(w.worker, w.lockRetry,
                new AfterSwap.ForeignKeys(foreignKeys, List.of()).plus(w.store.toSettle(id)));
        if (!notValidated.isEmpty()) {
            warnings = new ArrayList<>(warnings);
            warnings.addAll(notValidated);
        }
        String oldTable = w.store.load(id).oldTable();
        if (options.keepOld().isZero()) {
            new OldTableDrop(w.control, w.lockRetry, Duration.ofSeconds(1)).drop(oldTable);
            return null;
        }
        return oldTable;
    }

    private Result succeeded(VerifyResult verify, String oldTable) throws SQLException {
        Instant dropAfter = oldTable == null ? null : Instant.now().plus(options.keepOld());
        w.store.recordResult(id, new CatalogReader(w.control).read(source.qualified()).fingerprint());
        w.store.finish(id, Outcome.SUCCEEDED, null, oldTable, dropAfter);
        clock.done();
        return new Result(id, source.display(), Outcome.SUCCEEDED, Plan.Strategy.REWRITE, copied, replayed,
                clock.millis(), clock.locks(), verify, oldTable, dropAfter, warnings);
    }

    /**
     * Ends a failed run: a destructive failure before the swap removes what doppel created (the source is as it
     * was); anything else leaves the migration stopped and resumable, and says how to go on.
     */
    private RuntimeException stop(Exception e, boolean swapped) throws SQLException {
        Phase failedIn = clock.current();
        if (capture != null) {
            capture.close();
        }
        clock.failed(e.getMessage());
        if (!swapped && e instanceof DoppelException d && d.reason().destructive()) {
            removeLeftovers();
            w.store.finish(id, Outcome.FAILED, e.getMessage(), null, null);
            return d;
        }
        try {
            w.store.stopped(id, failedIn, e.getMessage());
        } catch (SQLException | RuntimeException recording) {
            e.addSuppressed(recording);
        }
        return new DoppelException(Reason.STOPPED, "migration " + id + " of " + source.display() + " stopped in "
                + (failedIn == null ? "its first phase" : failedIn.name().toLowerCase()) + ": " + e.getMessage()
                + ". " + (swapped ? "The new table is in place; `doppel resume " + id + "` finishes the validation"
                + " and analysis" : "Nothing was swapped and " + (capture == null ? "nothing was captured yet"
                : capture.keepsChanges()) + "; run `doppel resume " + id + "` to go on or `doppel abort " + id
                + "` to remove everything doppel created"), e);
    }

    /** Brings the log up to date with what capture has seen (logical capture lags a little), then re-syncs. */
    private long drain(long until) throws SQLException {
        capture.catchUp(CATCH_UP);
        listener.backlog(w.worker.number(sql.backlog()));
        long applied = resync.drain(until, DRAIN_PATIENCE);
        listener.replayed(applied);
        replayed += applied;
        return applied;
    }

    private void removeLeftovers() {
        try {
            Leftovers.remove(w.control, w.lockRetry, names, names.oid());
        } catch (SQLException | RuntimeException e) {
            log.error("could not remove doppel's objects for table oid {}: {}; run `doppel abort {}` once the database"
                    + " is reachable", names.oid(), e.getMessage(), id);
        }
    }
}
