package dev.doppel.engine.sql;

/**
 * The queries throttle signals read. Positions in the WAL are compared as byte offsets from 0/0 so that Java can
 * subtract them. Backends named "doppel ..." are doppel's own and never count as load.
 */
public final class ThrottleSql {

    private ThrottleSql() {
    }

    /** The server's current WAL insert position, in bytes. */
    public static String walPosition() {
        return "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint";
    }

    /** Standbys streaming from this server: application name and replayed position in bytes (null: not yet). */
    public static String standbys() {
        return "SELECT application_name, pg_wal_lsn_diff(replay_lsn, '0/0')::bigint FROM pg_stat_replication"
                + " ORDER BY application_name";
    }

    /** On a standby: its replayed position in bytes; null when the server is not in recovery. */
    public static String replayPosition() {
        return "SELECT CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint"
                + " END";
    }

    /** The logical slot furthest behind, other than doppel's: name and bytes not yet confirmed. */
    public static String slotLag() {
        return "SELECT slot_name, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                + " FROM pg_replication_slots WHERE slot_type = 'logical' AND slot_name NOT LIKE 'doppel%'"
                + " AND confirmed_flush_lsn IS NOT NULL ORDER BY 2 DESC LIMIT 1";
    }

    /** Other backends running a statement that holds or waits for a lock on the table (parameter: its oid). */
    public static String activeSessions() {
        return "SELECT count(DISTINCT a.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.relation = ? AND l.database = (SELECT oid FROM pg_database WHERE datname ="
                + " current_database()) AND a.state = 'active' AND a.pid <> pg_backend_pid()"
                + " AND a.application_name NOT LIKE 'doppel %'";
    }

    /**
     * Backends waiting for a lock that hold or want one on the table (parameter: its oid): a writer waiting for a
     * row another transaction holds waits on that transaction's id, not on the table, but holds the table's lock.
     */
    public static String lockWaiters() {
        return "SELECT count(DISTINCT a.pid) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid"
                + " WHERE a.wait_event_type = 'Lock' AND l.relation = ? AND l.database = (SELECT oid FROM pg_database"
                + " WHERE datname = current_database())";
    }

    /** Bounds the operator's probe, inside the rolled-back transaction it runs in. */
    public static String probeTimeout() {
        return "SET LOCAL statement_timeout = '2s'";
    }
}
