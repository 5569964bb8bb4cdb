package dev.doppel.engine.catalog;

import dev.doppel.engine.sql.ServerSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's replicas and replication slots at one moment. A rewrite writes WAL for the whole table: replicas
 * fall behind by that much, and every slot keeps it on disk until its consumer has read it.
 */
public record Replication(List<Replica> replicas, List<Slot> slots) {

    /** A replica lagging more than this is already behind before the copy adds its WAL. */
    private static final long LAGGING_MS = 10_000;

    /** One walsender's standby; a lag is null when it is idle or this role may not see it. */
    public record Replica(String name, String state, Long writeLagMs, Long flushLagMs, Long replayLagMs) {
    }

    /** One slot, with the WAL it holds back from removal (null before it reserved any). */
    public record Slot(String name, String type, boolean active, Long retainedBytes) {
    }

    public static Replication read(Session session) throws SQLException {
        List<Replica> replicas = session.query(ServerSql.REPLICAS, rs -> new Replica(rs.getString(1),
                rs.getString(2), (Long) rs.getObject(3), (Long) rs.getObject(4), (Long) rs.getObject(5)));
        List<Slot> slots = session.query(ServerSql.SLOTS, rs -> new Slot(rs.getString(1), rs.getString(2),
                rs.getBoolean(3), (Long) rs.getObject(4)));
        return new Replication(replicas, slots);
    }

    /** What an operator should know before writing {@code walBytes} of WAL: lagging replicas, idle slots. */
    public List<String> warnings(long walBytes) {
        List<String> out = new ArrayList<>();
        for (Replica r : replicas) {
            if (r.replayLagMs() != null && r.replayLagMs() > LAGGING_MS) {
                out.add("replica " + r.name() + " is already " + r.replayLagMs() / 1000 + " s behind in replay; the"
                        + " copy adds about " + DiskHeadroom.megabytes(walBytes) + " of WAL: cap the copy with"
                        + " --max-rows-per-second, or wait");
            }
        }
        for (Slot s : slots) {
            if (!s.active()) {
                out.add("replication slot " + s.name() + " is inactive and retains "
                        + DiskHeadroom.megabytes(s.retainedBytes() == null ? 0 : s.retainedBytes()) + " of WAL"
                        + (walBytes == 0 ? "" : "; it will also retain the copy's WAL (about "
                        + DiskHeadroom.megabytes(walBytes) + ") until its consumer reads it")
                        + ": drop the slot if nothing uses it");
            }
        }
        return out;
    }
}
