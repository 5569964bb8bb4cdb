package dev.doppel.engine;

import dev.doppel.engine.capture.TriggerLogSource;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.DependentObjects;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.copy.KeyResync;
import dev.doppel.engine.copy.RowCopier;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.cutover.SnapshotWait;
import dev.doppel.engine.cutover.Swap;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.plan.InPlaceSteps;
import dev.doppel.engine.shadow.DeferredObject;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.shadow.ShadowTableBuilder;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.Control;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;
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
    /** Entries left for the final replay under the cut-over lock: each costs the locked writers time. */
    private static final long LOCK_BACKLOG = 50;
    /** Failures after which the shadow cannot be trusted or reused: clean up rather than keep for a resume. */
    private static final Set<String> DESTRUCTIVE = Set.of("copy_failed", "index_failed", "verify_mismatch",
            "source_changed", "invalid_alter");

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
        String[] checkpoint;
        long copied;
        List<String> warnings = List.of();
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
            Plan plan = new Preflight(control, tableName, alter, options.rewrite()).plan();
            Context c = context(control, worker, plan.source());
            c.change = plan.change();
            c.warnings = plan.warnings();
            lock(c);
            try {
                c.store.ensureSchema();
                c.id = c.store.start(c.source, c.change.text(), changeHash(c.change.text()), options.toString(),
                        OnlineSchemaChange.version());
                if (options.postponeCutover()) {
                    Control.postponeCutover(control, c.id, true);
                }
                return plan.strategy() == Plan.Strategy.IN_PLACE ? inPlace(c, plan.steps()) : proceed(c, Phase.SHADOW);
            } finally {
                unlock(c);
            }
        }
    }

    Result resume(long id) throws SQLException {
        try (Session control = Session.open(dataSource, "control");
             Session worker = Session.open(dataSource, "worker")) {
            enter(Phase.PREFLIGHT, "resuming migration " + id);
            MigrationStore store = new MigrationStore(control);
            MigrationRecord r = store.load(id);
            if (r.finished()) {
                throw new DoppelException("not_resumable", "migration " + id + " of " + r.tableName() + " already "
                        + r.outcome() + "; there is nothing to resume" + (r.swapped() ? "" : ": run the change again"));
            }
            if (!changeHash(r.change()).equals(r.changeHash())) {
                throw new DoppelException("not_resumable", "the recorded change of migration " + id + " does not"
                        + " match its hash; the state was edited. Abort it and run the change again");
            }
            ObjectNames names = new ObjectNames(r.tableOid());
            Context c = context(control, worker, null);
            c.names = names;
            c.id = id;
            lock(c);
            try {
                c.source = r.swapped() ? null : new CatalogReader(control).read(r.tableOid());
                if (c.source != null && !c.source.fingerprint().equals(r.sourceFingerprint())) {
                    throw new DoppelException("not_resumable", "the definition of " + r.tableName() + " changed since"
                            + " migration " + id + " started (someone ran DDL on it); abort it and run the change again");
                }
                if (c.source != null) {
                    refuseBlockers(c);
                }
                c.change = AlterParser.parse(r.change());
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
        if (r.phase().compareTo(Phase.COPY) < 0 || c.control.text("SELECT to_regclass(?)::text", c.names.log()) == null
                || c.control.text("SELECT to_regclass(?)::text", c.names.shadow()) == null) {
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
            if (from.compareTo(Phase.CAPTURE) <= 0) {
                enter(c, Phase.CAPTURE, "installing the capture trigger");
                new TriggerLogSource(c.control, c.sql, c.lockRetry).install();
                locks.add(new Result.LockHeld("capture trigger install (SHARE ROW EXCLUSIVE)",
                        c.lockRetry.lastHeldMillis(), c.lockRetry.lastAttempts()));
            }
            if (from.compareTo(Phase.COPY) <= 0) {
                enter(c, Phase.COPY, c.checkpoint == null ? "copying about " + c.source.estimatedRows() + " rows"
                        : "copying on after " + String.join(", ", c.checkpoint) + " (" + c.copied + " rows done)");
                try (Session signals = Session.open(dataSource, "throttle");
                     Throttler throttler = new Throttler(signals, c.source.oid(), c.source.display(),
                             options.throttle(), c.operator, c.id, listener)) {
                    c.copied += new RowCopier(c.worker, c.sql, options, c.id, c.source.display(), throttler)
                            .copyAll(c.checkpoint, c.copied, c.source.estimatedRows(), listener);
                    throttler.done();
                }
            }
            if (from.compareTo(Phase.INDEX) <= 0) {
                enter(c, Phase.INDEX, "building " + c.shadow.deferred().size() + " indexes and constraints");
                buildDeferred(c);
            }
            KeyResync resync = swapped ? null : new KeyResync(c.worker, c.sql, REPLAY_BATCH,
                    options.throttle().replayRowsPerSecond());
            if (from.compareTo(Phase.REPLAY) <= 0) {
                enter(c, Phase.REPLAY, c.worker.number(c.sql.backlog()) + " changes logged during the copy");
                replayed += resync.drain(options.cutoverBacklog(), DRAIN_PATIENCE);
            }
            if (from.compareTo(Phase.VERIFY) <= 0 && options.verify()) {
                enter(c, Phase.VERIFY, "comparing source and shadow");
                try (Session helper = Session.open(dataSource, "verifier")) {
                    Checksummer checksummer = new Checksummer(c.worker, helper, c.sql, c.source.display());
                    for (int attempt = 0; verify == null; attempt++) {
                        if (attempt == 10) {
                            throw new DoppelException("verify_starved", "the source of " + c.source.display()
                                    + " was truncated again during each of 10 verification attempts");
                        }
                        replayed += resync.drain(options.cutoverBacklog(), DRAIN_PATIENCE);
                        verify = checksummer.verify();
                    }
                }
            }
            if (from.compareTo(Phase.CUTOVER) <= 0) {
                enter(c, Phase.CUTOVER, "swapping");
                Swap swap = new Swap(c.source, c.shadow, c.sql, c.names.oldTableName(Instant.now()));
                replayed += cutover(c, resync, swap);
                swapped = true;
            }
            enter(c, Phase.AFTER, "validating and analyzing");
            String oldTable = after(c);
            Instant dropAfter = oldTable == null ? null : Instant.now().plus(options.keepOld());
            c.store.finish(c.id, "succeeded", null, oldTable, dropAfter);
            leave();
            listener.phase(Phase.DONE, "done");
            return new Result(c.id, c.source.display(), "succeeded", Plan.Strategy.REWRITE, c.copied, replayed,
                    phaseMillis, locks, verify, oldTable, dropAfter, c.warnings);
        } catch (SQLException | RuntimeException e) {
            Phase failedIn = phase;
            if (!swapped && e instanceof DoppelException d && DESTRUCTIVE.contains(d.reason())) {
                removeObjects(c);
                c.store.finish(c.id, "failed", e.getMessage(), null, null);
                listener.phase(Phase.FAILED, e.getMessage());
                throw e;
            }
            try {
                c.store.stopped(c.id, failedIn, e.getMessage());
            } catch (SQLException | RuntimeException recording) {
                e.addSuppressed(recording);
            }
            listener.phase(Phase.FAILED, e.getMessage());
            throw new DoppelException("stopped", "migration " + c.id + " of " + c.source.display() + " stopped in "
                    + (failedIn == null ? "its first phase" : failedIn.name().toLowerCase()) + ": " + e.getMessage()
                    + ". " + (swapped ? "The new table is in place; `doppel resume " + c.id + "` finishes the"
                    + " validation and analysis" : "Nothing was swapped and the capture trigger keeps recording"
                    + " changes; run `doppel resume " + c.id + "` to go on or `doppel abort " + c.id
                    + "` to remove everything doppel created"), e);
        }
    }

    /**
     * A change PostgreSQL makes without rewriting or scanning the table under its lock: the ALTER itself, on the
     * table, in short lock attempts so that writers never queue behind it for longer than one attempt; checks and
     * foreign keys validated afterwards while writers go on. If validation fails, the constraints just added are
     * removed again and the table is as it was.
     */
    private Result inPlace(Context c, InPlaceSteps steps) throws SQLException {
        String table = c.source.qualified();
        try {
            enter(c, Phase.CUTOVER, "altering " + c.source.display() + " in place");
            lockedStep(c, "in-place ALTER", steps.locked().statementsFor(table));
            if (!steps.validate().isEmpty()) {
                enter(c, Phase.VERIFY, "validating " + steps.validate() + " while writers go on");
                validate(c, steps);
            }
            if (!steps.notNull().isEmpty()) {
                List<String> statements = new ArrayList<>();
                for (String column : steps.notNull()) {
                    statements.add("ALTER TABLE " + table + " ALTER COLUMN " + quote(column) + " SET NOT NULL");
                    statements.add("ALTER TABLE " + table + " DROP CONSTRAINT "
                            + quote(InPlaceSteps.notNullCheck(column)));
                }
                lockedStep(c, "SET NOT NULL proven by a validated check", statements);
            }
        } catch (SQLException | RuntimeException e) {
            c.store.finish(c.id, "failed", e.getMessage(), null, null);
            listener.phase(Phase.FAILED, e.getMessage());
            throw e;
        }
        c.store.finish(c.id, "succeeded", null, null, null);
        leave();
        listener.phase(Phase.DONE, "done");
        return new Result(c.id, c.source.display(), "succeeded", Plan.Strategy.IN_PLACE, 0, 0, phaseMillis, locks,
                null, null, null, c.warnings);
    }

    private void lockedStep(Context c, String what, List<String> statements) throws SQLException {
        long[] lockedAt = new long[1];
        c.lockRetry.run(what + " on " + c.source.display(), s -> {
            s.execute("LOCK TABLE " + c.source.qualified() + " IN ACCESS EXCLUSIVE MODE");
            lockedAt[0] = System.nanoTime();
            for (String statement : statements) {
                s.execute(statement);
            }
            return Boolean.TRUE;
        }, () -> { });
        locks.add(new Result.LockHeld(what + " (ACCESS EXCLUSIVE)", (System.nanoTime() - lockedAt[0]) / 1_000_000,
                c.lockRetry.lastAttempts()));
    }

    /** VALIDATE scans under SHARE UPDATE EXCLUSIVE, which writers do not wait on; it may take long on a big table. */
    private void validate(Context c, InPlaceSteps steps) throws SQLException {
        String table = c.source.qualified();
        c.worker.execute("SET statement_timeout = 0");
        try {
            for (String constraint : steps.validate()) {
                c.worker.execute("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + quote(constraint));
            }
        } catch (SQLException e) {
            List<String> drops = steps.validate().stream()
                    .map(name -> "ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + quote(name)).toList();
            lockedStep(c, "removing the constraints that did not validate", drops);
            throw new DoppelException("validation_failed", "the rows of " + c.source.display() + " do not satisfy"
                    + " the change: " + e.getMessage() + ". The constraints doppel had added NOT VALID were removed"
                    + " again; the table is as it was. Fix the rows, then run the change again", e);
        } finally {
            c.worker.execute("SET statement_timeout = '10min'");
        }
    }

    /** Builds the deferred indexes and constraints a resume has not found built yet. */
    private void buildDeferred(Context c) throws SQLException {
        // Index builds read only the shadow, which nothing else touches: no time limit there.
        c.worker.execute("SET statement_timeout = 0");
        for (DeferredObject d : c.shadow.deferred()) {
            boolean built = c.worker.text("SELECT relname FROM pg_class WHERE relnamespace = ?::regnamespace"
                    + " AND relname = ?", ObjectNames.SCHEMA, d.name()) != null;
            if (!built) {
                try {
                    c.worker.execute(d.create());
                } catch (SQLException e) {
                    if (RowCopier.dataError(e)) {
                        throw new DoppelException("index_failed", "building " + d.name() + " for the new schema of "
                                + c.source.display() + " failed: " + e.getMessage() + ". The rows do not satisfy the"
                                + " change (a new unique key over duplicates?); the source is untouched", e);
                    }
                    throw e;
                }
            }
        }
        c.worker.execute("SET statement_timeout = '10min'");
    }

    /** Validates the foreign keys added NOT VALID at the swap, analyzes, and keeps or drops the old table. */
    private String after(Context c) throws SQLException {
        String newTable = c.source.qualified();
        for (ForeignKey fk : c.shadow.foreignKeys()) {
            boolean pending = c.worker.number("SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass(?)"
                    + " AND conname = ? AND NOT convalidated", newTable, fk.name()) > 0;
            if (fk.validate() && pending) {
                c.worker.execute("ALTER TABLE " + newTable + " VALIDATE CONSTRAINT " + quote(fk.name()));
            }
        }
        for (String[] fk : c.store.toValidate(c.id)) {
            boolean pending = c.worker.number("SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass(?)"
                    + " AND conname = ? AND NOT convalidated", fk[0], fk[1]) > 0;
            if (pending) {
                c.worker.execute("ALTER TABLE " + fk[0] + " VALIDATE CONSTRAINT " + quote(fk[1]));
            }
        }
        c.worker.execute("ANALYZE " + newTable);
        String oldTable = c.store.load(c.id).oldTable();
        if (options.keepOld().isZero()) {
            c.lockRetry.run("dropping the old table " + oldTable, s -> {
                s.execute("DROP TABLE IF EXISTS " + oldTable);
                return Boolean.TRUE;
            }, () -> { });
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
        resync.drain(options.cutoverBacklog(), DRAIN_PATIENCE);
        if (held(c)) {
            listener.phase(Phase.CUTOVER, "ready; waiting for " + (options.cutoverWindow() == null ? ""
                    : "the cut-over window " + options.cutoverWindow() + " or ") + "`doppel cutover " + c.id
                    + "` (replay goes on)");
            log.info("migration {} is ready and waits to cut over", c.id);
            while (held(c)) {
                resync.drain(options.cutoverBacklog(), DRAIN_PATIENCE);
                sleep(500);
            }
        }
        // Something added since the start (a materialized view, a rule, a FOR ALL TABLES publication) would be lost.
        refuseBlockers(c);
        resync.drain(options.cutoverBacklog(), DRAIN_PATIENCE);
        new SnapshotWait(c.control).await(options.snapshotWait());
        // The wait let changes queue up; what is left for the lock should be a handful, replayed in milliseconds.
        resync.drain(LOCK_BACKLOG, DRAIN_PATIENCE);
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
            long n = resync.applyAll(s);
            long replayed = System.nanoTime();
            if (!new CatalogReader(s).fingerprint(c.source.oid()).equals(c.source.fingerprint())) {
                throw new DoppelException("source_changed", "the definition of " + c.source.display() + " changed"
                        + " while doppel was migrating it (someone ran DDL on it); nothing was swapped. Run the"
                        + " migration again against the new definition");
            }
            long checked = System.nanoTime();
            MigrationStore.recordSwap(s, c.id, swap.oldTable(), swap.run(s));
            log.info("cut-over under lock: {} changes replayed in {} ms, definition checked in {} ms, swapped in {} ms",
                    n, (replayed - lockedAt[0]) / 1_000_000, (checked - replayed) / 1_000_000,
                    (System.nanoTime() - checked) / 1_000_000);
            if (System.nanoTime() - lockedAt[0] > options.maxLockHeld().toNanos()) {
                log.info("cut-over would hold its lock longer than {}; giving it back", options.maxLockHeld());
                return null;
            }
            return n;
        }, () -> resync.drain(LOCK_BACKLOG, DRAIN_PATIENCE));
        long heldMillis = (System.nanoTime() - lockedAt[0]) / 1_000_000;
        locks.add(new Result.LockHeld("cut-over (ACCESS EXCLUSIVE)", heldMillis, c.lockRetry.lastAttempts()));
        log.info("cut-over held ACCESS EXCLUSIVE on {} for {} ms", c.source.display(), heldMillis);
        return applied;
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
            throw new DoppelException("interrupted", "interrupted while waiting for the cut-over to be released", e);
        }
    }

    private static void refuseBlockers(Context c) throws SQLException {
        List<String> blockers = DependentObjects.blockers(c.control, c.source);
        if (!blockers.isEmpty()) {
            throw new DoppelException("unsupported_dependents", "since migration " + c.id + " started, objects"
                    + " doppel cannot carry appeared on " + c.source.display() + ":\n  - " + String.join("\n  - ",
                    blockers) + "\nNothing was swapped; remove them and resume, or abort");
        }
    }

    /** Removes the trigger, the log and the shadow: the source is left exactly as before. */
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
        if (!Boolean.TRUE.equals(c.control.one("SELECT pg_try_advisory_lock(?)", rs -> rs.getBoolean(1),
                c.names.advisoryKey()))) {
            throw new DoppelException("already_running", "another doppel process is migrating table oid "
                    + c.names.oid() + " (" + (c.source == null ? "see `doppel status`" : c.source.display()) + ");"
                    + " wait for it to finish, or stop it first");
        }
        // From here on every lock doppel asks for on the source is a short attempt.
        c.control.execute("SET lock_timeout = " + Identifiers.literal(options.lockTimeout().toMillis() + "ms"));
    }

    private static void unlock(Context c) throws SQLException {
        c.control.execute("SELECT pg_advisory_unlock(?)", c.names.advisoryKey());
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
