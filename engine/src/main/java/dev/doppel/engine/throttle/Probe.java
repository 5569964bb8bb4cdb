package dev.doppel.engine.throttle;

import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.ThrottleSql;

import java.sql.SQLException;

/**
 * The operator's own query that returns one number (a queue length, a replica's lag as the application sees it).
 * It runs in a transaction that is always rolled back, under a 2 s statement timeout; a failure throttles.
 */
final class Probe implements Signal {

    private final Session session;
    private final String sql;

    Probe(Session session, String sql) {
        this.session = session;
        this.sql = sql;
    }

    @Override
    public Measure measure() {
        return Measure.PROBE;
    }

    @Override
    public Reading read() {
        if (sql == null || sql.isBlank()) {
            return Reading.unreadable("no probe query was given when the migration started (--probe)");
        }
        try {
            Object value = session.rolledBack(s -> {
                s.execute(ThrottleSql.probeTimeout());
                return s.one(sql, rs -> rs.getObject(1));
            });
            if (!(value instanceof Number n)) {
                return Reading.unreadable("the probe returned " + (value == null ? "no number" : "'" + value
                        + "', not a number"));
            }
            return Reading.of(n.doubleValue(), "");
        } catch (SQLException e) {
            return Reading.unreadable("the probe failed: " + e.getMessage());
        }
    }
}
