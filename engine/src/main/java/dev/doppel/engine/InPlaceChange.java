package dev.doppel.engine;

import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.plan.ConcurrentIndex;
import dev.doppel.engine.plan.InPlaceSteps;
import dev.doppel.engine.sql.InPlaceSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A change PostgreSQL makes without rewriting or scanning the table under its lock: the ALTER itself, on the
 * table, in short lock attempts so that writers never queue behind it for longer than one attempt; checks and
 * foreign keys validated, and unique indexes built concurrently, while writers go on; then one more short lock
 * to set what was proven and attach the indexes. Invariant: the last step records the success in its own
 * transaction, so a stopped in-place change is only doppel's scaffolding, which resume and abort remove; a failed
 * validation or build removes what was added and leaves the table as it was.
 */
final class InPlaceChange {

    private static final Logger log = LoggerFactory.getLogger(InPlaceChange.class);
    /** The capture recorded for a change made in place, which captures nothing. */
    static final String CAPTURE = "none";
    /** Deadlock, lock not available, cancelled: a concurrent build that ended this way may succeed when tried again. */
    private static final Set<String> TRANSIENT_BUILD_FAILURES = Set.of("40P01", "55P03", "57014");

    private final Workspace w;
    private final PhaseClock clock;
    private final long id;
    private final TableInfo source;
    private final InPlaceSql sql;
    private final InPlaceSteps steps;

    InPlaceChange(Workspace w, PhaseClock clock, long id, TableInfo source, InPlaceSteps steps) {
        this.w = w;
        this.clock = clock;
        this.id = id;
        this.source = source;
        this.sql = new InPlaceSql(source, new ObjectNames(source.oid()));
        this.steps = steps;
    }

    Result run(List<String> warnings) throws SQLException {
        String table = source.qualified();
        List<String> finish = steps.finish(table);
        boolean scans = !steps.validate().isEmpty() || !steps.indexes().isEmpty();
        boolean recorded = false;
        try {
            clock.enter(w.store, id, Phase.CUTOVER, "altering " + source.display() + " in place");
            dropAbandonedBuilds(w.worker, sql, source);
            if (steps.locked() != null) {
                recorded = lockedStep("in-place ALTER", steps.locked().statementsFor(table), !scans && finish.isEmpty());
            }
            if (!steps.validate().isEmpty()) {
                clock.enter(w.store, id, Phase.VERIFY, "validating " + steps.validate() + " while writers go on");
                validate();
            }
            if (!steps.indexes().isEmpty()) {
                clock.enter(w.store, id, Phase.INDEX, "building " + steps.indexes().size()
                        + " unique index(es) concurrently");
                buildConcurrently();
            }
            if (!finish.isEmpty()) {
                recorded = lockedStep("last step: NOT NULL set, constraints dropped, attached and renamed", finish,
                        true);
            }
            if (!recorded) {
                recordSuccess(w.control);
            }
        } catch (SQLException | RuntimeException e) {
            clock.failed(e.getMessage());
            if (e instanceof DoppelException d && d.reason() == Reason.VALIDATION_FAILED) {
                w.store.finish(id, Outcome.FAILED, e.getMessage(), null, null);
                throw e;
            }
            w.store.stopped(id, clock.current(), e.getMessage());
            throw new DoppelException(Reason.STOPPED, "migration " + id + " of " + source.display() + " stopped while"
                    + " altering it in place: " + e.getMessage() + ". `doppel resume " + id + "` removes what it"
                    + " had added and makes the change again; `doppel abort " + id + "` removes it and leaves the"
                    + " table as it was", e);
        }
        clock.done();
        return new Result(id, source.display(), Outcome.SUCCEEDED, Plan.Strategy.IN_PLACE, 0, 0, clock.millis(),
                clock.locks(), null, null, null, warnings);
    }

    /**
     * Removes what a stopped in-place change added before its last step: the indexes it was building concurrently,
     * the constraints it added NOT VALID, and the checks that were to prove NOT NULL. The caller holds the advisory
     * lock.
     */
    static void undoStopped(Session control, LockRetry lockRetry, MigrationRecord r) throws SQLException {
        TableInfo source = new CatalogReader(control).read(r.tableOid());
        InPlaceSql sql = new InPlaceSql(source, new ObjectNames(r.tableOid()));
        dropAbandonedBuilds(control, sql, source);
        InPlaceSteps steps = InPlaceSteps.of(AlterParser.parse(r.change()));
        List<String> added = new ArrayList<>(steps == null ? List.of() : steps.added());
        added.addAll(control.query(sql.provingChecks(), rs -> rs.getString(1)));
        if (!added.isEmpty()) {
            lockRetry.run("removing what the stopped change added to " + source.display(), s -> {
                for (String constraint : added) {
                    s.execute(sql.dropConstraintIfExists(constraint));
                }
                return Boolean.TRUE;
            }, LockRetry.NOTHING_BETWEEN);
        }
    }

    private void recordSuccess(Session s) throws SQLException {
        MigrationStore store = new MigrationStore(s);
        store.recordResult(id, new CatalogReader(s).read(source.qualified()).fingerprint());
        store.finish(id, Outcome.SUCCEEDED, null, null, null);
    }

    /**
     * Runs {@code statements} under the table's ACCESS EXCLUSIVE lock, taken in short attempts. When {@code last},
     * the success is recorded in the same transaction. Returns {@code last}.
     */
    private boolean lockedStep(String what, List<String> statements, boolean last) throws SQLException {
        long[] lockedAt = new long[1];
        w.lockRetry.run(what + " on " + source.display(), s -> {
            s.execute(sql.lockExclusive());
            lockedAt[0] = System.nanoTime();
            for (String statement : statements) {
                s.execute(statement);
            }
            if (last) {
                recordSuccess(s);
            }
            return Boolean.TRUE;
        }, LockRetry.NOTHING_BETWEEN);
        clock.held(what + " (ACCESS EXCLUSIVE)", (System.nanoTime() - lockedAt[0]) / 1_000_000,
                w.lockRetry.lastAttempts());
        return last;
    }

    /** VALIDATE scans under SHARE UPDATE EXCLUSIVE, which writers do not wait on; it may take long on a big table. */
    private void validate() throws SQLException {
        try {
            w.worker.unbounded(s -> {
                for (String constraint : steps.validate()) {
                    s.execute(sql.validateConstraint(constraint));
                }
                return null;
            });
        } catch (SQLException e) {
            undo();
            throw new DoppelException(Reason.VALIDATION_FAILED, "the rows of " + source.display() + " do not satisfy"
                    + " the change: " + e.getMessage() + ". The constraints doppel had added NOT VALID were removed"
                    + " again and those the table had stay NOT VALID; the table is as it was. Fix the rows, then run"
                    + " the change again", e);
        }
    }

    /**
     * CREATE UNIQUE INDEX CONCURRENTLY waits for, but never blocks, writers. A build that fails leaves an INVALID
     * index behind, which is dropped (concurrently too); a build cancelled by a deadlock or a lock timeout is tried
     * again, duplicates end the change with what was added removed.
     */
    private void buildConcurrently() throws SQLException {
        w.worker.unbounded(s -> {
            for (ConcurrentIndex index : steps.indexes()) {
                build(s, index);
            }
            return null;
        });
    }

    private void build(Session s, ConcurrentIndex index) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                s.execute(index.build(source.qualified()));
                return;
            } catch (SQLException e) {
                s.execute(sql.dropBuildIndex(index.buildName()));
                if (!TRANSIENT_BUILD_FAILURES.contains(e.getSQLState()) || attempt == 3) {
                    undo();
                    throw new DoppelException(Reason.VALIDATION_FAILED, "building the unique index of "
                            + index.constraint() + " on " + source.display() + " failed: " + e.getMessage()
                            + ". The invalid index and whatever else doppel had added were dropped; the table is as"
                            + " it was." + ("23505".equals(e.getSQLState())
                            ? " Remove the duplicates, then run the change again" : ""), e);
                }
                log.warn("building the unique index of {} on {} failed ({}); trying again", index.constraint(),
                        source.display(), e.getMessage());
            }
        }
    }

    /** Removes the constraints and indexes the change added before one of its scans failed. */
    private void undo() throws SQLException {
        for (ConcurrentIndex index : steps.indexes()) {
            w.worker.execute(sql.dropBuildIndex(index.buildName()));
        }
        if (!steps.added().isEmpty()) {
            lockedStep("removing the constraints that did not validate",
                    steps.added().stream().map(sql::dropConstraintIfExists).toList(), false);
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
}
