package dev.doppel.engine.sql;

/**
 * The read-only queries about the server rather than the table: its replicas, its replication slots and where its
 * data directory is. Each is a plain statistics or settings read; none takes a lock.
 */
public final class ServerSql {

    /** Name, state, and write/flush/replay lag in ms (null when idle or not visible to this role). */
    public static final String REPLICAS = "SELECT coalesce(nullif(application_name, ''), client_addr::text, 'pid '"
            + " || pid), coalesce(state, 'unknown'), (extract(epoch FROM write_lag) * 1000)::bigint,"
            + " (extract(epoch FROM flush_lag) * 1000)::bigint, (extract(epoch FROM replay_lag) * 1000)::bigint"
            + " FROM pg_stat_replication ORDER BY 1";

    /** Name, type, active, and the WAL bytes it holds back from removal (null before it reserved any). */
    public static final String SLOTS = "SELECT slot_name::text, slot_type, active,"
            + " pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots ORDER BY 1";

    /** Readable by superusers and members of pg_read_all_settings; others get an error. */
    public static final String DATA_DIRECTORY = "SELECT current_setting('data_directory')";

    /** The cluster's identifier, also the first 8 bytes of global/pg_control: proves a directory is this server's. */
    public static final String SYSTEM_IDENTIFIER = "SELECT system_identifier FROM pg_control_system()";

    /** The directory of the table's tablespace, or null when it is pg_default (under the data directory). */
    public static final String TABLESPACE_LOCATION = "SELECT nullif(pg_tablespace_location(CASE WHEN"
            + " c.reltablespace = 0 THEN d.dattablespace ELSE c.reltablespace END), '') FROM pg_class c, pg_database d"
            + " WHERE c.oid = ? AND d.datname = current_database()";

    private ServerSql() {
    }
}
