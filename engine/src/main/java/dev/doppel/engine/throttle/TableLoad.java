package dev.doppel.engine.throttle;

import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.ThrottleSql;

import java.sql.SQLException;

/** Load on the source table as PostgreSQL's lock table shows it: active sessions, or lock waiters. */
final class TableLoad implements Signal {

    private final Session session;
    private final long tableOid;
    private final Measure measure;
    private final String where;

    TableLoad(Session session, long tableOid, String table, Measure measure) {
        if (measure != Measure.ACTIVE_SESSIONS && measure != Measure.LOCK_WAITERS) {
            throw new IllegalArgumentException(measure + " is not a table load measure");
        }
        this.session = session;
        this.tableOid = tableOid;
        this.measure = measure;
        this.where = "on " + table;
    }

    @Override
    public Measure measure() {
        return measure;
    }

    @Override
    public Reading read() throws SQLException {
        String sql = measure == Measure.ACTIVE_SESSIONS ? ThrottleSql.activeSessions() : ThrottleSql.lockWaiters();
        return Reading.of(session.number(sql, tableOid), where);
    }
}
