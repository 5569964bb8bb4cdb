package dev.doppel.engine.capture;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.sql.LogicalSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * What logical capture needs of the server and the table, checked before anything is created: each refusal
 * names the setting or the statement that fixes it.
 */
public final class LogicalPreflight {

    private final Session session;

    public LogicalPreflight(Session session) {
        this.session = session;
    }

    /**
     * Refuses what would make logical capture fail or lose writes; returns warnings for what merely deserves
     * attention (a WAL limit that may invalidate the slot).
     */
    public List<String> check(TableInfo source, List<String> key) throws SQLException {
        List<String> refusals = new ArrayList<>();
        String walLevel = session.text("SELECT current_setting('wal_level')");
        if (!"logical".equals(walLevel)) {
            refusals.add("wal_level is " + walLevel + ": set wal_level = logical and restart the server");
        }
        long freeSlots = session.number(LogicalSql.freeSlots());
        if (freeSlots < 1) {
            refusals.add("every replication slot is taken (max_replication_slots): raise it and restart, or drop an"
                    + " unused slot (pg_replication_slots)");
        }
        long freeSenders = session.number(LogicalSql.freeWalSenders());
        if (freeSenders < 1) {
            refusals.add("every WAL sender is busy (max_wal_senders): raise it and restart");
        }
        if (!Boolean.TRUE.equals(session.one(LogicalSql.mayReplicate(), rs -> rs.getBoolean(1)))) {
            refusals.add("the role " + session.text("SELECT current_user") + " may not open a replication"
                    + " connection: ALTER ROLE ... REPLICATION (and allow it in pg_hba.conf)");
        }
        String identity = replicaIdentityProblem(source, key);
        if (identity != null) {
            refusals.add(identity);
        }
        if (!refusals.isEmpty()) {
            throw new DoppelException(Reason.CAPTURE_UNAVAILABLE, "logical capture cannot migrate " + source.display()
                    + ":\n  - " + String.join("\n  - ", refusals) + "\nFix these, or use trigger capture");
        }
        List<String> warnings = new ArrayList<>();
        String keep = session.text("SELECT current_setting('max_slot_wal_keep_size')");
        if (keep != null && !keep.equals("-1")) {
            warnings.add("max_slot_wal_keep_size is " + keep + ": if the migration's slot falls that far behind, the"
                    + " server invalidates it and the migration fails (to start over)");
        }
        return warnings;
    }

    /**
     * pgoutput sends the old key of an UPDATE or DELETE by the table's replica identity: it must contain doppel's
     * key. Without one, the application's own UPDATEs and DELETEs fail once the table is in a publication.
     */
    private String replicaIdentityProblem(TableInfo source, List<String> key) throws SQLException {
        String identity = session.text(LogicalSql.replicaIdentity(), source.oid());
        if ("f".equals(identity)) {
            return null;
        }
        List<String> columns = session.one(LogicalSql.replicaIdentityColumns(), rs -> Session.strings(rs.getArray(1)),
                source.oid());
        if ("n".equals(identity) || columns == null || columns.isEmpty()) {
            return "the replica identity of " + source.display() + " is " + ("n".equals(identity) ? "NOTHING"
                    : "DEFAULT without a primary key") + ": UPDATEs and DELETEs would fail once it is published;"
                    + " ALTER TABLE " + source.qualified() + " REPLICA IDENTITY USING INDEX <a unique index on "
                    + String.join(", ", key) + ">";
        }
        if (!new HashSet<>(columns).equals(new HashSet<>(key))) {
            return "the replica identity of " + source.display() + " is (" + String.join(", ", columns) + "), not"
                    + " doppel's key (" + String.join(", ", key) + "): the stream would not carry the key of updated"
                    + " and deleted rows; ALTER TABLE " + source.qualified() + " REPLICA IDENTITY USING INDEX"
                    + " <the unique index on " + String.join(", ", key) + ">, or REPLICA IDENTITY FULL";
        }
        return null;
    }
}
