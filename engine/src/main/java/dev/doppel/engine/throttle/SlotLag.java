package dev.doppel.engine.throttle;

import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.ThrottleSql;

import java.sql.SQLException;

/** How far the furthest-behind logical replication slot (not doppel's own) is from the server's WAL position. */
final class SlotLag implements Signal {

    private final Session session;

    SlotLag(Session session) {
        this.session = session;
    }

    @Override
    public Measure measure() {
        return Measure.SLOT_LAG;
    }

    @Override
    public Reading read() throws SQLException {
        Reading worst = session.one(ThrottleSql.slotLag(), rs -> Reading.of(rs.getLong(2), "for slot " + rs.getString(1)));
        return worst == null ? Reading.of(0, "for no other logical slot") : worst;
    }
}
