package dev.doppel.engine.shadow;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.copy.RowCopier;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;

/**
 * What the shadow gets once the copy is done: the repack's physical order, then its indexes and constraints. They
 * read only the shadow, which nothing else touches, so they run without a time limit; a resume skips what it finds
 * built already.
 */
public final class DeferredBuilds {

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

    /** Builds the deferred indexes and constraints not built yet, then the shadow's statistics. */
    public void build(ShadowTable shadow) throws SQLException {
        worker.unbounded(s -> {
            for (DeferredObject d : shadow.deferred()) {
                DoppelException.stopIfInterrupted("building the shadow's indexes");
                if (s.text("SELECT relname FROM pg_class WHERE relnamespace = ?::regnamespace AND relname = ?",
                        ObjectNames.SCHEMA, d.name()) == null) {
                    create(s, d);
                }
            }
            s.execute(sql.analyzeShadow());
            return null;
        });
    }

    private void create(Session s, DeferredObject d) throws SQLException {
        try {
            s.execute(d.create());
        } catch (SQLException e) {
            if (RowCopier.dataError(e)) {
                throw new DoppelException(Reason.INDEX_FAILED, "building " + d.name() + " for the new schema of "
                        + source + " failed: " + e.getMessage() + ". The rows do not satisfy the change (a new unique"
                        + " key over duplicates?); the source is untouched", e);
            }
            throw e;
        }
    }
}
