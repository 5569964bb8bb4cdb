package dev.doppel.engine.shadow;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.copy.RowCopier;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Set;

/**
 * What the shadow gets once the copy is done: the repack's physical order, then its indexes and constraints. They
 * read only the shadow, which nothing else touches, so they run without a time limit; a resume skips what it finds
 * built already. The key's index comes first; the others wait until replay has caught up (see {@link #build}).
 */
public final class DeferredBuilds {

    /** Replays the change log into the shadow until it is empty, or stops shrinking. */
    @FunctionalInterface
    public interface CatchUp {
        void run() throws SQLException;
    }

    /** Called before each build: holds it while the migration is paused or over a throttle limit. */
    @FunctionalInterface
    public interface Pace {
        void await() throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(DeferredBuilds.class);
    /** unique_violation, exclusion_violation. */
    private static final Set<String> DUPLICATES = Set.of("23505", "23P01");
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final int ATTEMPTS = 4;

    private final Session worker;
    private final MigrationSql sql;
    private final String source;

    /** @param source the source table as people read it, for the error when the rows do not fit the change */
    public DeferredBuilds(Session worker, MigrationSql sql, String source) {
        this.worker = worker;
        this.sql = sql;
        this.source = source;
    }

    /** CLUSTERs the bare shadow in the repack's order before its indexes exist, so they are built once. */
    public void order(String orderBy) throws SQLException {
        worker.unbounded(s -> {
            for (String statement : sql.orderShadow(orderBy)) {
                s.execute(statement);
            }
            return null;
        });
    }

    /**
     * Builds the deferred indexes and constraints not built yet, then the shadow's statistics. Each chunk was copied
     * at its own snapshot, so until replay catches up a value that moved between rows during the copy (an e-mail
     * handed from one account to another) can be in the shadow twice, and a secondary unique or exclusion index
     * would refuse what a blocking ALTER accepts: the key's index is built first, then {@code catchUp} replays the
     * log before the others. A row still holding a stale value has a log entry, so a build that meets a duplicate
     * catches up again and retries. {@code pace} is asked before each build; {@code serial} builds without
     * parallel workers.
     */
    public void build(ShadowTable shadow, CatchUp catchUp, Pace pace, boolean serial) throws SQLException {
        worker.unbounded(s -> {
            // A paced migration leaves the server room: a parallel build takes every core it is given.
            if (serial) {
                s.execute(MigrationSql.maintenanceWorkers(true));
            }
            boolean compressed = compressWal(s);
            try {
                boolean caughtUp = false;
                for (DeferredObject d : shadow.deferred()) {
                    DoppelException.stopIfInterrupted("building the shadow's indexes");
                    if (s.text("SELECT relname FROM pg_class WHERE relnamespace = ?::regnamespace AND relname = ?",
                            ObjectNames.SCHEMA, d.name()) != null) {
                        continue;
                    }
                    if (!d.key() && !caughtUp) {
                        catchUp.run();
                        caughtUp = true;
                    }
                    pace.await();
                    create(s, d, catchUp);
                }
            } finally {
                if (serial) {
                    s.execute(MigrationSql.maintenanceWorkers(false));
                }
                if (compressed) {
                    s.execute("RESET wal_compression");
                }
            }
            s.execute(sql.analyzeShadow());
            return null;
        });
    }

    /**
     * A build logs every page of the new index whole, in bursts that the application's commits wait behind when
     * they flush: lz4 makes that WAL 20-40% smaller (an index of timestamps, of sequential keys). Only when the
     * server leaves compression off and this role may set it (a superuser, or granted SET on it).
     */
    static boolean compressWal(Session s) throws SQLException {
        String method = s.text(MigrationSql.walCompressionMethod());
        if (method == null) {
            return false;
        }
        try {
            s.execute("SET wal_compression = " + method);
            return true;
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            return false;
        }
    }

    private void create(Session s, DeferredObject d, CatchUp catchUp) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                s.execute(d.create());
                return;
            } catch (SQLException e) {
                if (!d.key() && DUPLICATES.contains(e.getSQLState()) && attempt < ATTEMPTS) {
                    log.info("building {} met a value twice, moved between rows during the copy; replaying the log"
                            + " and trying again", d.name());
                    catchUp.run();
                    continue;
                }
                if (RowCopier.dataError(e)) {
                    throw new DoppelException(Reason.INDEX_FAILED, "building " + d.name() + " for the new schema of "
                            + source + " failed: " + e.getMessage() + ". The rows do not satisfy the change (a new"
                            + " unique key over duplicates?); the source is untouched", e);
                }
                throw e;
            }
        }
    }
}
