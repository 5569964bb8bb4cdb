package dev.doppel.engine;

import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.copy.KeyResync;
import dev.doppel.engine.copy.RoundTripGuard;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.cutover.SnapshotWait;
import dev.doppel.engine.cutover.Swap;
import dev.doppel.engine.plan.InverseMapping;
import dev.doppel.engine.plan.RevertUsing;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.sql.AdvisoryLock;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;
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

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * Puts the old table back after a swap, with nothing lost: drains the revert log (every write to the new table
 * since the swap) into the retained old table through the inverse mapping, then a second bounded cut-over, the
 * same as the first in reverse: short lock attempts, the last entries drained under the lock, names, sequences
 * and dependents carried back by {@link Swap}. A value the old types cannot hold refuses the revert, naming the
 * row; nothing is swapped then. The new table is retired to the doppel schema and kept like an old table.
 */
final class Revert {

    private static final Logger log = LoggerFactory.getLogger(Revert.class);
    private static final int BATCH = 5_000;
    private static final Duration DRAIN_PATIENCE = Duration.ofSeconds(30);
    private static final long LOCK_BACKLOG = 50;

    private final DataSource dataSource;
    private final Options options;
    private final MigrationListener listener;

    Revert(DataSource dataSource, Options options, MigrationListener listener) {
        this.dataSource = dataSource;
        this.options = options;
        this.listener = listener;
    }

    Result run(long id) throws SQLException {
        try (Session control = Session.open(dataSource, "control");
             Session worker = Session.open(dataSource, "worker")) {
            MigrationStore store = new MigrationStore(control);
            MigrationRecord r = store.load(id);
            refuseUnrevertable(control, r);
            TableInfo current = new CatalogReader(control).read(r.tableSql());
            ObjectNames names = new ObjectNames(r.tableOid());
            ObjectNames currentNames = new ObjectNames(current.oid());
            AdvisoryLock.claim(control, names, "migration " + r.id() + " of " + r.tableName());
            try {
                AdvisoryLock.claim(control, currentNames, r.tableName());
                try {
                    return revert(control, worker, store, r, current, names, currentNames);
                } finally {
                    AdvisoryLock.release(control, currentNames);
                }
            } finally {
                AdvisoryLock.release(control, names);
            }
        }
    }

    private Result revert(Session control, Session worker, MigrationStore store, MigrationRecord r, TableInfo current,
                          ObjectNames names, ObjectNames currentNames) throws SQLException {
        for (String leftover : List.of(currentNames.shadow(), currentNames.log())) {
            if (control.text("SELECT to_regclass(?)::text", leftover) != null) {
                throw new DoppelException(Reason.NOT_REVERTABLE, "a later doppel migration of " + r.tableName() + " left "
                        + leftover + "; finish or abort that one first (`doppel status`)");
            }
        }
        if (control.number("SELECT count(*) FROM pg_trigger WHERE tgrelid = ? AND tgname = ?", current.oid(),
                names.revertCapture().rowTrigger()) == 0) {
            throw new DoppelException(Reason.NOT_REVERTABLE, "migration " + r.id() + " of " + r.tableName() + " cannot be"
                    + " reverted: a later migration replaced the table its revert capture logged; revert that one first");
        }
        long started = System.nanoTime();
        control.execute("SET lock_timeout = " + Identifiers.literal(options.lockTimeout().toMillis() + "ms"));
        worker.execute("SET lock_timeout = '5s'");
        worker.execute("SET statement_timeout = '10min'");
        store.phase(r.id(), Phase.REVERT, "reverting " + r.tableName() + " to " + r.oldTable());
        listener.phase(Phase.REVERT, "re-syncing " + r.oldTable() + " with the writes since the swap");
        try {
            TableInfo old = new CatalogReader(control).read(r.oldTable());
            InverseMapping inverse = InverseMapping.derive(old, store.loadShadow(r.id()).mapping(),
                    RevertUsing.parse(r.revertUsing()));
            if (!inverse.exists()) {
                throw new DoppelException(Reason.NOT_REVERTABLE, "migration " + r.id() + " of " + r.tableName()
                        + " cannot be reverted: " + inverse.refusal());
            }
            MigrationSql back = MigrationSql.reverse(current.qualified(), r.oldTable(), names, inverse.mapping());
            KeyResync resync = new KeyResync(worker, back, BATCH,
                    new RoundTripGuard(back, inverse.checks(), r.tableName()));
            long applied = resync.drain(options.cutoverBacklog(), DRAIN_PATIENCE);
            new SnapshotWait(control).await(options.snapshotWait());
            applied += resync.drain(LOCK_BACKLOG, DRAIN_PATIENCE);
            List<ForeignKey> foreignKeys = store.oldForeignKeys(r.id());
            Swap swap = new Swap(current, new ShadowTable(inverse.mapping(), List.of(), foreignKeys), back,
                    names.oldTableName(Instant.now()));
            List<String[]> indexNames = store.oldIndexNames(r.id());
            Instant dropAfter = Instant.now().plus(options.keepOld());
            LockRetry lockRetry = new LockRetry(control, options.lockTimeout(), options.lockAttempts(),
                    options.maxLockHeld());
            listener.phase(Phase.REVERT, "swapping back");
            long[] lockedAt = new long[1];
            List<String[]> toValidate = lockRetry.run("revert of " + r.tableName(), s -> {
                List<String> tables = new ArrayList<>(s.query("SELECT conrelid::regclass::text FROM pg_constraint"
                        + " WHERE contype = 'f' AND confrelid = ? AND conrelid <> ? GROUP BY conrelid ORDER BY conrelid",
                        rs -> rs.getString(1), current.oid(), current.oid()));
                tables.add(current.qualified());
                s.execute("LOCK TABLE " + String.join(", ", tables) + " IN ACCESS EXCLUSIVE MODE");
                lockedAt[0] = System.nanoTime();
                resync.applyAll(s);
                if (!new CatalogReader(s).fingerprint(current.oid()).equals(current.fingerprint())) {
                    throw new DoppelException(Reason.SOURCE_CHANGED, "the definition of " + r.tableName() + " changed"
                            + " while doppel was reverting it (someone ran DDL on it); nothing was swapped back");
                }
                // The old table's indexes still have the names the first swap gave them; their own names are free
                // in the doppel schema, and the new table's move out of the way in the swap.
                for (String[] index : indexNames) {
                    if (s.text("SELECT to_regclass(?)::text", Identifiers.qualified(ObjectNames.SCHEMA, index[1]))
                            != null) {
                        s.execute("ALTER INDEX " + Identifiers.qualified(ObjectNames.SCHEMA, index[1]) + " RENAME TO "
                                + quote(index[0]));
                    }
                }
                // Its statistics objects too hold the names the first swap gave them, which the swap back gives the
                // new table's: move them aside; the swap gives them their own names back by their columns.
                List<String> statistics = s.query("SELECT quote_ident(n.nspname) || '.' || quote_ident(x.stxname)"
                        + " FROM pg_statistic_ext x JOIN pg_namespace n ON n.oid = x.stxnamespace"
                        + " WHERE x.stxrelid = to_regclass(?) ORDER BY x.oid", rs -> rs.getString(1), r.oldTable());
                for (int i = 0; i < statistics.size(); i++) {
                    s.execute("ALTER STATISTICS " + statistics.get(i) + " RENAME TO "
                            + quote("doppel_revert_" + names.oid() + "_" + i + "_stat"));
                }
                s.execute("ALTER TABLE " + r.oldTable() + " RENAME TO " + quote(names.shadowName()));
                List<String[]> validate = swap.run(s);
                MigrationStore.recordRevert(s, r.id(), swap.oldTable(), dropAfter, validate);
                if (System.nanoTime() - lockedAt[0] > options.maxLockHeld().toNanos()) {
                    log.info("revert would hold its lock longer than {}; giving it back", options.maxLockHeld());
                    return null;
                }
                return validate;
            }, () -> resync.drain(LOCK_BACKLOG, DRAIN_PATIENCE));
            long heldMillis = (System.nanoTime() - lockedAt[0]) / 1_000_000;
            listener.phase(Phase.REVERT, "validating and analyzing");
            validate(worker, current.qualified(), foreignKeys, toValidate);
            listener.phase(Phase.REVERTED, "reverted");
            log.info("revert of {} held ACCESS EXCLUSIVE for {} ms", r.tableName(), heldMillis);
            Map<Phase, Long> millis = new EnumMap<>(Phase.class);
            millis.put(Phase.REVERT, (System.nanoTime() - started) / 1_000_000);
            return new Result(r.id(), r.tableName(), Outcome.REVERTED, Plan.Strategy.REWRITE, 0, applied, millis,
                    List.of(new Result.LockHeld("revert (ACCESS EXCLUSIVE)", heldMillis, lockRetry.lastAttempts())),
                    null, swap.oldTable(), dropAfter, List.of());
        } catch (SQLException | RuntimeException e) {
            try {
                store.stopped(r.id(), Phase.REVERT, "revert: " + e.getMessage());
            } catch (SQLException | RuntimeException recording) {
                e.addSuppressed(recording);
            }
            listener.phase(Phase.FAILED, e.getMessage());
            if (e instanceof DoppelException) {
                throw e;
            }
            throw new DoppelException(Reason.STOPPED, "the revert of migration " + r.id() + " of " + r.tableName()
                    + " stopped: " + e.getMessage() + ". Nothing was swapped back; the new table stays in place and"
                    + " its writes are still logged: `doppel revert " + r.id() + "` tries again", e);
        }
    }

    /**
     * The old table's own foreign keys went back NOT VALID (rows written meanwhile were not checked against the
     * parents), as did the referencing tables' keys: validate them, as after the first swap. A key that does not
     * hold is left NOT VALID, and said so.
     */
    private static void validate(Session worker, String table, List<ForeignKey> own, List<String[]> referencing)
            throws SQLException {
        List<String[]> all = new ArrayList<>();
        own.stream().filter(ForeignKey::validate).forEach(fk -> all.add(new String[] {table, fk.name()}));
        all.addAll(referencing);
        for (String[] fk : all) {
            try {
                worker.execute("ALTER TABLE " + fk[0] + " VALIDATE CONSTRAINT " + quote(fk[1]));
            } catch (SQLException e) {
                log.warn("foreign key {} on {} stays NOT VALID after the revert: {}", fk[1], fk[0], e.getMessage());
            }
        }
        worker.execute("ANALYZE " + table);
    }

    private static void refuseUnrevertable(Session control, MigrationRecord r) throws SQLException {
        String why = null;
        if (r.outcome() != Outcome.SUCCEEDED) {
            why = r.outcome() == null ? (r.swapped() ? "it has not finished: `doppel resume " + r.id() + "` first"
                    : "it has not swapped yet: `doppel abort " + r.id() + "` leaves the table as it was")
                    : "it " + r.outcome();
        } else if (r.oldTable() == null) {
            why = "its old table was dropped";
        } else if (r.revertRefusal() != null) {
            why = r.revertRefusal() + "; the old table " + r.oldTable() + " is a snapshot of the rows at the swap";
        } else if (control.text("SELECT to_regclass(?)::text", new ObjectNames(r.tableOid()).revertCapture().log())
                == null) {
            why = "no writes were logged for it since the swap (a migration made by an earlier doppel)";
        }
        if (why != null) {
            throw new DoppelException(Reason.NOT_REVERTABLE, "migration " + r.id() + " of " + r.tableName() + " cannot be"
                    + " reverted: " + why);
        }
    }
}
