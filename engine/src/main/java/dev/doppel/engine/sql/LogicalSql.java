package dev.doppel.engine.sql;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The statements of logical capture: the source's own publication, the replication slot, the markers that make
 * "everything committed so far" observable in the stream, and the listing of doppel's slots with the WAL they keep.
 */
public final class LogicalSql {

    /** Prefix of the logical messages doppel emits as stream markers; other prefixes are not doppel's. */
    public static final String MARKER_PREFIX = "doppel";

    private LogicalSql() {
    }

    public static String databaseOid() {
        return "SELECT oid FROM pg_database WHERE datname = current_database()";
    }

    /**
     * The source's own publication. A partitioned table's is published through its root: every partition's
     * changes, present and attached later, come as rows of the table itself, with its columns.
     */
    public static String createPublication(ObjectNames names, String table, boolean partitioned) {
        return "CREATE PUBLICATION " + quote(names.publication()) + " FOR TABLE " + table
                + (partitioned ? " WITH (publish_via_partition_root = true)" : "");
    }

    public static String dropPublication(ObjectNames names) {
        return "DROP PUBLICATION IF EXISTS " + quote(names.publication());
    }

    /** Parameter: the publication name. */
    public static String publicationExists() {
        return "SELECT count(*) FROM pg_publication WHERE pubname = ?";
    }

    /** Creates the slot; returns its consistent point. Parameter: the slot name. */
    public static String createSlot() {
        return "SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')";
    }

    /** Parameter: the slot name. */
    public static String slotExists() {
        return "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?";
    }

    /** Parameter: the slot name. */
    public static String slotActive() {
        return "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND active";
    }

    /** Ends the walsender still holding the slot (a killed doppel's, until the server notices). Parameter: slot. */
    public static String terminateHolder() {
        return "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ?"
                + " AND active_pid IS NOT NULL AND active_pid <> pg_backend_pid()";
    }

    /** Parameter: the slot name. */
    public static String dropSlot() {
        return "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?";
    }

    /**
     * A transactional message, committed at once on a session of its own with synchronous_commit on: its commit
     * is flushed, so the walsender sends it, and it decodes after every transaction that committed before it.
     * Returns its LSN. Parameter: the content (the slot's name, for whoever reads the WAL).
     */
    public static String emitMarker() {
        return "SELECT pg_logical_emit_message(true, '" + MARKER_PREFIX + "', ?)::text";
    }

    /** Every doppel slot in the cluster: name, database, active, WAL it retains in bytes. */
    public static String slots() {
        return "SELECT slot_name::text, database::text, active, coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(),"
                + " restart_lsn), 0)::bigint FROM pg_replication_slots WHERE slot_name LIKE 'doppel\\_%'"
                + " ORDER BY slot_name";
    }

    /** Publications the replication stream reads, as the pgoutput option wants them. */
    public static String publicationOption(ObjectNames names) {
        return quote(names.publication());
    }

    public static String freeSlots() {
        return "SELECT current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots)";
    }

    public static String freeWalSenders() {
        return "SELECT current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_stat_activity"
                + " WHERE backend_type = 'walsender')";
    }

    public static String mayReplicate() {
        return "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user";
    }

    /** The table's relreplident: 'd' default (primary key), 'i' an index, 'f' full, 'n' nothing. Parameter: oid. */
    public static String replicaIdentity() {
        return "SELECT relreplident::text FROM pg_class WHERE oid = ?";
    }

    /** The columns of the index the replica identity uses, if any. Parameter: the table's oid. */
    public static String replicaIdentityColumns() {
        return "SELECT ARRAY(SELECT a.attname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                + " WHERE i.indrelid = c.oid AND CASE c.relreplident WHEN 'd' THEN i.indisprimary"
                + " WHEN 'i' THEN i.indisreplident ELSE false END AND c.oid = ? ORDER BY a.attnum)";
    }
}
