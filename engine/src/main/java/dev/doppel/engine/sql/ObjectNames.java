package dev.doppel.engine.sql;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Names of everything doppel creates for one source table. All of it lives in the {@code doppel} schema and is
 * named after the source's OID, so two migrations never collide and leftovers are easy to attribute.
 */
public record ObjectNames(long oid) {

    public static final String SCHEMA = "doppel";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    public String shadowName() {
        return "shadow_" + oid;
    }

    public String shadow() {
        return Identifiers.qualified(SCHEMA, shadowName());
    }

    /** A repack's temporary index on the shadow, giving CLUSTER the order asked for. */
    public String orderIndexName() {
        return "order_" + oid;
    }

    public String log() {
        return Identifiers.qualified(SCHEMA, "log_" + oid);
    }

    public String captureFunction() {
        return Identifiers.qualified(SCHEMA, "capture_" + oid);
    }

    /** Row trigger name on the source; the TRUNCATE trigger adds "_truncate". */
    public String rowTrigger() {
        return "doppel_capture_" + oid;
    }

    public String truncateTrigger() {
        return "doppel_capture_" + oid + "_truncate";
    }

    /** The forward capture: the source's log, trigger function and triggers. */
    public CaptureNames capture() {
        return new CaptureNames(log(), captureFunction(), rowTrigger(), truncateTrigger());
    }

    /**
     * The revert capture, installed on the new table at the swap when the change can be undone: every write after
     * the swap is logged here, for the re-sync of the retained old table that a revert drains.
     */
    public CaptureNames revertCapture() {
        return new CaptureNames(Identifiers.qualified(SCHEMA, "revert_log_" + oid),
                Identifiers.qualified(SCHEMA, "revert_capture_" + oid), "doppel_revert_" + oid,
                "doppel_revert_" + oid + "_truncate");
    }

    /** The publication of the source table alone that logical capture decodes (names are per database). */
    public String publication() {
        return "doppel_" + oid;
    }

    /**
     * The logical replication slot of logical capture. Slots belong to the whole cluster while table OIDs repeat
     * across databases, so the name carries the database's OID too.
     */
    public String slot(long databaseOid) {
        return "doppel_" + oid + "_" + databaseOid;
    }

    /** Prefix PostgreSQL gives to names it generates for the shadow's objects (indexes, constraints). */
    public String generatedPrefix() {
        return shadowName() + "_";
    }

    /** Name the old table keeps after the swap. */
    public String oldTableName(Instant at) {
        return "old_" + oid + "_" + STAMP.format(at);
    }

    /**
     * Name the new table keeps after migration {@code migrationId} was reverted: the table is back under this OID,
     * and its next migration's old table may be stamped with the same second.
     */
    public String revertedTableName(long migrationId) {
        return "reverted_" + oid + "_" + migrationId;
    }

    /** Temporary name for an old index or constraint, freeing the original name for the new table's. */
    public String oldIndexName(int n) {
        return "doppel_old_" + oid + "_" + n;
    }

    /** Name of a unique index doppel builds CONCURRENTLY on the source itself, before it becomes a constraint. */
    public String buildIndexName(int n) {
        return buildIndexPrefix() + n;
    }

    /** What every index doppel builds on the source starts with: one left by a dead process is found by it. */
    public String buildIndexPrefix() {
        return "doppel_build_" + oid + "_";
    }

    /**
     * A unique index on the shadow over the columns of the source's key, for a change that replaces that key by
     * another: the copy and re-sync go by the old key, and the swap drops it.
     */
    public String copyKeyIndexName() {
        return "doppel_key_" + oid;
    }

    /**
     * The CHECK on the copy of a partition repacked alone that equals the partition's constraint: ATTACH PARTITION
     * skips its scan for it, and the swap drops it.
     */
    public String boundCheck() {
        return "doppel_bound_" + oid;
    }

    /**
     * The CHECK on the default partition beside a partition repacked alone, validated before the swap, that no row
     * there belongs to the partition: ATTACH PARTITION skips its scan of the default partition for it.
     */
    public String defaultGuard() {
        return "doppel_outside_" + oid;
    }

    /** Advisory lock key: one migration per table, across every doppel process. */
    public long advisoryKey() {
        return (0x646f70L << 32) | oid;
    }

}
