package dev.doppel.engine;

import dev.doppel.engine.capture.ChangeSource;
import dev.doppel.engine.capture.TriggerLogSource;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.copy.KeyResync;
import dev.doppel.engine.copy.RowCopier;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.cutover.SnapshotWait;
import dev.doppel.engine.cutover.Swap;
import dev.doppel.engine.shadow.DeferredObject;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.shadow.ShadowTableBuilder;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationStore;
import dev.doppel.engine.verify.Checksummer;
import dev.doppel.engine.verify.VerifyResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The orchestrator. It reads like the algorithm: preflight, shadow, capture, copy, indexes, replay, verify,
 * cut-over, after. Until the swap commits, any failure removes what doppel created and leaves the source as it was.
 */
final class Migration {

    private static final Logger log = LoggerFactory.getLogger(Migration.class);
    private static final int REPLAY_BATCH = 5_000;

    private final DataSource dataSource;
    private final String tableName;
    private final String alter;
    private final Options options;
    private final MigrationListener listener;
    private final Map<Phase, Long> phaseMillis = new EnumMap<>(Phase.class);
    private final List<Result.LockHeld> locks = new ArrayList<>();
    private Phase phase;
    private long phaseStarted;

    Migration(DataSource dataSource, String tableName, String alter, Options options, MigrationListener listener) {
        this.dataSource = dataSource;
        this.tableName = tableName;
        this.alter = alter;
        this.options = options;
        this.listener = listener;
    }

    Result run() throws SQLException {
        try (Session control = new Session(dataSource.getConnection());
             Session worker = new Session(dataSource.getConnection())) {
            enter(Phase.PREFLIGHT, "checking " + tableName);
            Plan plan = new Preflight(control, tableName, alter).plan();
            TableInfo source = plan.source();
            ObjectNames names = new ObjectNames(source.oid());
            if (!Boolean.TRUE.equals(control.one("SELECT pg_try_advisory_lock(?)", rs -> rs.getBoolean(1),
                    names.advisoryKey()))) {
                throw new DoppelException("already_running", "another doppel migration of " + source.display()
                        + " started just now; wait for it to finish, or stop it first");
            }
            control.execute("SET lock_timeout = " + Identifiers.literal(options.lockTimeout().toMillis() + "ms"));
            control.execute("SET statement_timeout = '1min'");
            MigrationStore store = new MigrationStore(control);
            store.ensureSchema();
            long id = store.start(source, plan.change().text(), plan.source().fingerprint(), options.toString(),
                    OnlineSchemaChange.version());
            configure(worker);
            LockRetry lockRetry = new LockRetry(control, options.lockTimeout(), options.lockAttempts(),
                    options.maxLockHeld());
            ShadowTable shadow = null;
            ChangeSource capture = null;
            MigrationSql sql = null;
            boolean swapped = false;
            try {
                enter(store, id, Phase.SHADOW, "building " + names.shadow());
                shadow = worker.transaction(s -> new ShadowTableBuilder(s, names).build(source, plan.change()));
                sql = new MigrationSql(source, names, shadow.mapping());

                enter(store, id, Phase.CAPTURE, "installing the capture trigger");
                capture = new TriggerLogSource(control, sql, lockRetry);
                capture.install();
                locks.add(new Result.LockHeld("capture trigger install (SHARE ROW EXCLUSIVE)", lockRetry.lastHeldMillis(),
                        lockRetry.lastAttempts()));

                enter(store, id, Phase.COPY, "copying about " + source.estimatedRows() + " rows");
                long copied = new RowCopier(worker, sql, options, id, source.display())
                        .copyAll(source.estimatedRows(), listener);

                enter(store, id, Phase.INDEX, "building " + shadow.deferred().size() + " indexes and constraints");
                // Index builds read only the shadow, which nothing else touches: no time limit there.
                worker.execute("SET statement_timeout = 0");
                for (DeferredObject d : shadow.deferred()) {
                    worker.execute(d.create());
                }
                worker.execute("SET statement_timeout = '10min'");

                enter(store, id, Phase.REPLAY, capture.backlog() + " changes logged during the copy");
                KeyResync resync = new KeyResync(worker, sql, REPLAY_BATCH);
                long replayed = resync.drain(options.cutoverBacklog());

                VerifyResult verify = null;
                if (options.verify()) {
                    enter(store, id, Phase.VERIFY, "comparing source and shadow");
                    try (Session helper = new Session(dataSource.getConnection())) {
                        verify = new Checksummer(worker, helper, sql, source.display()).verify();
                    }
                }

                enter(store, id, Phase.CUTOVER, "swapping");
                String oldName = names.oldTableName(Instant.now());
                Swap swap = new Swap(source, shadow, sql, oldName);
                replayed += cutover(control, lockRetry, resync, swap, source);
                swapped = true;

                enter(store, id, Phase.AFTER, "validating and analyzing");
                String newTable = source.qualified();
                for (ForeignKey fk : shadow.foreignKeys()) {
                    if (fk.validate()) {
                        worker.execute("ALTER TABLE " + newTable + " VALIDATE CONSTRAINT " + quote(fk.name()));
                    }
                }
                worker.execute("ANALYZE " + newTable);
                String oldTable = swap.oldTable();
                Instant dropAfter = Instant.now().plus(options.keepOld());
                if (options.keepOld().isZero()) {
                    lockRetry.run("dropping the old table " + oldTable, s -> {
                        s.execute("DROP TABLE " + swap.oldTable());
                        return Boolean.TRUE;
                    }, () -> { });
                    oldTable = null;
                    dropAfter = null;
                }
                store.finish(id, "succeeded", null, oldTable, dropAfter);
                leave();
                listener.phase(Phase.DONE, "done");
                return new Result(id, source.display(), "succeeded", copied, replayed, phaseMillis, locks, verify,
                        oldTable, dropAfter, plan.warnings());
            } catch (SQLException | RuntimeException e) {
                if (!swapped) {
                    undo(control, names, capture, source);
                }
                store.finish(id, "failed", e.getMessage(), null, null);
                listener.phase(Phase.FAILED, e.getMessage());
                throw e;
            } finally {
                control.execute("SELECT pg_advisory_unlock(?)", names.advisoryKey());
            }
        }
    }

    /**
     * Waits out older snapshots, then takes ACCESS EXCLUSIVE in short attempts; under the lock it applies the last
     * log entries, checks that the source's definition did not change since planning, and swaps. It gives the lock
     * back instead of holding it past {@link Options#maxLockHeld()}.
     */
    private long cutover(Session control, LockRetry lockRetry, KeyResync resync, Swap swap, TableInfo source)
            throws SQLException {
        resync.drain(options.cutoverBacklog());
        new SnapshotWait(control).await(options.snapshotWait());
        // The wait let changes queue up; what is left for the lock should be one small batch.
        resync.drain(options.cutoverBacklog());
        long[] lockedAt = new long[1];
        long applied = lockRetry.run("cut-over of " + source.display(), s -> {
            s.execute("LOCK TABLE " + source.qualified() + " IN ACCESS EXCLUSIVE MODE");
            lockedAt[0] = System.nanoTime();
            long n = resync.applyAll(s);
            long replayed = System.nanoTime();
            TableInfo now = new CatalogReader(s).read(source.oid());
            if (!now.fingerprint().equals(source.fingerprint())) {
                throw new DoppelException("source_changed", "the definition of " + source.display() + " changed"
                        + " while doppel was migrating it (someone ran DDL on it); nothing was swapped. Run the"
                        + " migration again against the new definition");
            }
            long checked = System.nanoTime();
            swap.run(s);
            log.info("cut-over under lock: {} changes replayed in {} ms, definition checked in {} ms, swapped in {} ms",
                    n, (replayed - lockedAt[0]) / 1_000_000, (checked - replayed) / 1_000_000,
                    (System.nanoTime() - checked) / 1_000_000);
            if (System.nanoTime() - lockedAt[0] > options.maxLockHeld().toNanos()) {
                log.info("cut-over would hold its lock longer than {}; giving it back", options.maxLockHeld());
                return null;
            }
            return n;
        }, () -> resync.drain(options.cutoverBacklog()));
        long heldMillis = (System.nanoTime() - lockedAt[0]) / 1_000_000;
        locks.add(new Result.LockHeld("cut-over (ACCESS EXCLUSIVE)", heldMillis, lockRetry.lastAttempts()));
        log.info("cut-over held ACCESS EXCLUSIVE on {} for {} ms", source.display(), heldMillis);
        return applied;
    }

    /** Removes the trigger, the log and the shadow: the source is left exactly as before. */
    private void undo(Session control, ObjectNames names, ChangeSource capture, TableInfo source) {
        try {
            if (capture != null) {
                capture.remove(source.qualified());
            }
            control.execute("DROP TABLE IF EXISTS " + names.shadow());
        } catch (SQLException | RuntimeException e) {
            log.error("could not remove doppel's objects for {} after a failure: {}; drop {} and the trigger {} by"
                    + " hand", source.display(), e.getMessage(), names.shadow(), names.rowTrigger());
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

    private void enter(Phase next, String detail) {
        leave();
        phase = next;
        phaseStarted = System.nanoTime();
        log.info("{}: {}", next, detail);
        listener.phase(next, detail);
    }

    private void enter(MigrationStore store, long id, Phase next, String detail) throws SQLException {
        enter(next, detail);
        store.phase(id, next, detail);
    }

    private void leave() {
        if (phase != null) {
            phaseMillis.merge(phase, (System.nanoTime() - phaseStarted) / 1_000_000, Long::sum);
            phase = null;
        }
    }
}
