package dev.doppel.engine;

import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.copy.KeyResync;
import dev.doppel.engine.copy.RoundTripGuard;
import dev.doppel.engine.cutover.AfterSwap;
import dev.doppel.engine.cutover.BoundedCutover;
import dev.doppel.engine.cutover.MaterializedViews;
import dev.doppel.engine.cutover.PartitionsBack;
import dev.doppel.engine.cutover.Swap;
import dev.doppel.engine.plan.InverseMapping;
import dev.doppel.engine.plan.RevertUsing;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.SwapSql;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the old table back after a swap, with nothing lost: drains the revert log (every write to the new table
 * since the swap) into the retained old table through the inverse mapping, then the same {@link BoundedCutover} as
 * the forward swap, in reverse. A value the old types cannot hold refuses the revert, naming the row; nothing is
 * swapped then. The new table is retired to the doppel schema and kept like an old table. A partitioned old table
 * gets its own partitions back ({@link PartitionsBack}). The forward swap calls {@link #endEarlier} and
 * {@link #prepare} in its transaction so that this is possible.
 */
final class Revert {

    private static final int BATCH = 5_000;
    private static final Duration DRAIN_PATIENCE = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final Options options;
    private final MigrationListener listener;

    Revert(DataSource dataSource, Options options, MigrationListener listener) {
        this.dataSource = dataSource;
        this.options = options;
        this.listener = listener;
    }

    Result run(long id) throws SQLException {
        try (Workspace w = Workspace.open(dataSource, options)) {
            MigrationRecord r = w.store.load(id);
            refuseUnrevertable(w.control, r);
            TableInfo current = new CatalogReader(w.control).read(r.tableSql());
            ObjectNames names = new ObjectNames(r.tableOid());
            w.claim(names, "migration " + r.id() + " of " + r.tableName());
            w.claim(new ObjectNames(current.oid()), r.tableName());
            return revert(w, r, current, names);
        }
    }

    private Result revert(Workspace w, MigrationRecord r, TableInfo current, ObjectNames names) throws SQLException {
        ObjectNames currentNames = new ObjectNames(current.oid());
        for (String leftover : List.of(currentNames.shadow(), currentNames.log())) {
            if (w.control.exists(leftover)) {
                throw new DoppelException(Reason.NOT_REVERTABLE, "a later doppel migration of " + r.tableName()
                        + " left " + leftover + "; finish or abort that one first (`doppel status`)");
            }
        }
        if (w.control.number("SELECT count(*) FROM pg_trigger WHERE tgrelid = ? AND tgname = ?", current.oid(),
                names.revertCapture().rowTrigger()) == 0) {
            throw new DoppelException(Reason.NOT_REVERTABLE, "migration " + r.id() + " of " + r.tableName()
                    + " cannot be reverted: a later migration replaced the table its revert capture logged; revert"
                    + " that one first");
        }
        PhaseClock clock = new PhaseClock(listener);
        clock.enter(w.store, r.id(), Phase.REVERT, "re-syncing " + r.oldTable() + " with the writes since the swap");
        try {
            TableInfo old = new CatalogReader(w.control).read(r.oldTable());
            InverseMapping inverse = InverseMapping.derive(old, w.store.loadShadow(r.id()).mapping(),
                    RevertUsing.parse(r.revertUsing()));
            if (!inverse.exists()) {
                throw new DoppelException(Reason.NOT_REVERTABLE, "migration " + r.id() + " of " + r.tableName()
                        + " cannot be reverted: " + inverse.refusal());
            }
            // A tree's old partitions come back under the names the live ones hold (PartitionsBack).
            MigrationSql back = MigrationSql.reverse(current.qualified(), r.oldTable(), names, inverse.mapping(),
                    current.partitions(), old.partitions().partitioned() ? current.partitions() : PartitionTree.NONE);
            KeyResync resync = new KeyResync(w.worker, back, BATCH,
                    new RoundTripGuard(back, inverse.checks(), r.tableName()));
            long[] drained = {resync.drain(options.cutoverBacklog(), DRAIN_PATIENCE)};
            List<ForeignKey> foreignKeys = w.store.oldForeignKeys(r.id());
            List<String> matviews = MaterializedViews.read(w.control, current, currentNames).names();
            if (!matviews.isEmpty()) {
                throw new DoppelException(Reason.NOT_REVERTABLE, "migration " + r.id() + " of " + r.tableName()
                        + " cannot be reverted while materialized views read the table (" + String.join(", ", matviews)
                        + "): the swap back does not carry them yet. Drop them, revert, and create them again");
            }
            Swap swap = new Swap(current, new ShadowTable(inverse.mapping(), List.of(), foreignKeys), back,
                    names.revertedTableName(r.id()), false, MaterializedViews.none(current, currentNames));
            List<String[]> indexNames = w.store.oldIndexNames(r.id());
            PartitionsBack partitions = PartitionsBack.read(w.control, old, current, indexNames,
                    "migration " + r.id() + " of " + r.tableName());
            Instant dropAfter = Instant.now().plus(options.keepOld());
            List<String[]> toValidate = new ArrayList<>();
            foreignKeys.stream().filter(ForeignKey::validate)
                    .forEach(fk -> toValidate.add(new String[] {current.qualified(), fk.name()}));
            clock.enter(Phase.REVERT, "swapping back");
            // Set by the attempt that commits: a rehearsal, or an attempt that gave the lock back, ran it too.
            List<AfterSwap.ForeignKeys> referencing = new ArrayList<>(List.of(AfterSwap.ForeignKeys.NONE));
            BoundedCutover.Held held = new BoundedCutover(w.control, w.lockRetry, options.snapshotWait(),
                    options.maxLockHeld()).run("revert of " + r.tableName(), current, r.oldTable(), "reverting",
                    until -> drained[0] += resync.drain(until, DRAIN_PATIENCE), resync::applyAllBefore, s -> {
                        Swap.makeShadow(s, r.oldTable(), indexNames, names);
                        partitions.run(s);
                        AfterSwap.ForeignKeys carried = swap.run(s);
                        // The table is back under its OID: its next migration's swap uses those names again.
                        for (String rename : s.query(SwapSql.retiredRenames(), rs -> rs.getString(1),
                                swap.oldTable(), "doppel_reverted_" + r.id() + "_")) {
                            s.execute(rename);
                        }
                        s.execute(back.dropLog());
                        MigrationStore.recordRevert(s, r.id(), swap.oldTable(), dropAfter, carried.validate());
                        referencing.set(0, carried);
                    });
            clock.held("revert (ACCESS EXCLUSIVE)", held.millis(), held.attempts());
            clock.enter(Phase.REVERT, "validating foreign keys and analyzing");
            List<String> warnings = AfterSwap.settle(w.worker, w.lockRetry,
                    new AfterSwap.ForeignKeys(toValidate, List.of()).plus(referencing.get(0)));
            AfterSwap.analyze(w.worker, current.qualified());
            clock.finish(Phase.REVERTED, "reverted");
            return new Result(r.id(), r.tableName(), Outcome.REVERTED, Plan.Strategy.REWRITE, 0,
                    drained[0] + held.applied(),
                    clock.millis(), clock.locks(), null, swap.oldTable(), dropAfter, warnings);
        } catch (SQLException | RuntimeException e) {
            try {
                w.store.stopped(r.id(), Phase.REVERT, "revert: " + e.getMessage());
            } catch (SQLException | RuntimeException recording) {
                e.addSuppressed(recording);
            }
            clock.failed(e.getMessage());
            if (e instanceof DoppelException) {
                throw e;
            }
            throw new DoppelException(Reason.STOPPED, "the revert of migration " + r.id() + " of " + r.tableName()
                    + " stopped: " + e.getMessage() + ". Nothing was swapped back; the new table stays in place and"
                    + " its writes are still logged: `doppel revert " + r.id() + "` tries again", e);
        }
    }

    /**
     * In the forward swap's transaction, before the swap: an earlier migration's revert capture on the source would
     * log writes to a table this swap retires, so it goes, and that migration records why it can no longer be
     * reverted (plan warned).
     */
    static void endEarlier(Session s, long id, TableInfo source) throws SQLException {
        for (long earlier : s.query(MigrationSql.revertCapturesOn(), rs -> rs.getLong(1), source.oid())) {
            for (String statement : MigrationSql.dropCapture(new ObjectNames(earlier).revertCapture(),
                    source.qualified())) {
                s.execute(statement);
            }
            MigrationStore.revertEnded(s, earlier, id, source.display());
        }
    }

    /**
     * In the forward swap's transaction, after the swap: records what a revert needs and, when the change has an
     * inverse, installs the revert capture on the new table, so that every write after the swap is logged for the
     * old table's re-sync. {@code partitions} are the new table's; {@code partitionIndexes} the old partitions'
     * indexes as (name, name now) pairs, which {@link Swap#makeShadow} renames back with the old table's own.
     */
    static void prepare(Session s, long id, TableInfo source, PartitionTree partitions,
                        List<String[]> partitionIndexes, InverseMapping inverse, String oldTable) throws SQLException {
        ObjectNames names = new ObjectNames(source.oid());
        List<String[]> indexNames = new ArrayList<>();
        for (int i = 0; i < source.indexes().size(); i++) {
            indexNames.add(new String[] {source.indexes().get(i).name(), names.oldIndexName(i)});
        }
        indexNames.addAll(partitionIndexes);
        List<ForeignKey> foreignKeys = source.constraints().stream().filter(k -> k.type() == 'f')
                .map(k -> new ForeignKey(k.name(), k.definition().replaceAll(" NOT VALID$", ""), k.validated()))
                .toList();
        MigrationStore.recordRevertPlan(s, id, indexNames, foreignKeys, inverse.refusal());
        if (inverse.exists()) {
            MigrationSql back = MigrationSql.reverse(source.qualified(), oldTable, names, inverse.mapping(),
                    partitions, source.partitions());
            s.execute(back.createLog());
            s.execute(back.createCaptureFunction());
            for (String statement : back.createTriggers()) {
                s.execute(statement);
            }
        }
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
        } else if (!control.exists(new ObjectNames(r.tableOid()).revertCapture().log())) {
            why = "no writes were logged for it since the swap (a migration made by an earlier doppel)";
        }
        if (why != null) {
            throw new DoppelException(Reason.NOT_REVERTABLE, "migration " + r.id() + " of " + r.tableName()
                    + " cannot be reverted: " + why);
        }
    }
}
