package dev.doppel.engine.state;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.Phase;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.cutover.AfterSwap;
import dev.doppel.engine.cutover.TreeForeignKey;
import dev.doppel.engine.plan.ColumnMapping;
import dev.doppel.engine.shadow.DeferredObject;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.throttle.ThrottleSettings;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The {@code doppel} schema's state: one row per migration (phase, copy checkpoint, outcome), a history of phase
 * events, the migration's plan (column mapping, deferred indexes, foreign keys) so that a resume continues
 * exactly the migration that was started, and a partitioned table's copy per leaf. The copy checkpoint (a leaf's,
 * for a partitioned table) is written in the same transaction as its chunk, and the old table's name in the same
 * transaction as the swap.
 */
public final class MigrationStore {

    private static final String SCHEMA = quote(ObjectNames.SCHEMA);
    private static final String MIGRATIONS = SCHEMA + ".migrations";
    private static final String EVENTS = SCHEMA + ".migration_events";
    private static final String COLUMNS = SCHEMA + ".migration_columns";
    private static final String OBJECTS = SCHEMA + ".migration_objects";
    private static final String PARTITIONS = SCHEMA + ".migration_partitions";

    private final Session session;

    public MigrationStore(Session session) {
        this.session = session;
    }

    public void ensureSchema() throws SQLException {
        session.transaction(s -> {
            // Two first runs at once would race on CREATE ... IF NOT EXISTS; serialise them.
            s.execute("SELECT pg_advisory_xact_lock(6582128)");
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            s.execute("CREATE TABLE IF NOT EXISTS " + MIGRATIONS + " (id bigserial PRIMARY KEY, table_oid oid NOT NULL,"
                    + " table_name text NOT NULL, table_sql text NOT NULL, change text NOT NULL, change_hash text NOT NULL,"
                    + " source_fingerprint text NOT NULL, options text NOT NULL, phase text NOT NULL,"
                    + " checkpoint text[], rows_copied bigint NOT NULL DEFAULT 0, source_key text[], source_key_types text[],"
                    + " target_key text[], overriding_system_value boolean NOT NULL DEFAULT false,"
                    + " started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),"
                    + " finished_at timestamptz, outcome text, error text, old_table text, drop_after timestamptz,"
                    + " doppel_version text NOT NULL, pid int NOT NULL DEFAULT pg_backend_pid())");
            // State tables made by an earlier doppel lack columns added since; add them rather than fail, in one
            // statement and only when one is missing (each ALTER locks the table every status reads).
            List<String> columns = List.of("table_sql text", "source_fingerprint text", "source_key text[]",
                    "source_key_types text[]", "target_key text[]",
                    "overriding_system_value boolean NOT NULL DEFAULT false",
                    "control_paused boolean NOT NULL DEFAULT false", "control_max_rows_per_second bigint",
                    "control_cutover text", "control_seen_at timestamptz", "estimated_rows bigint",
                    "copy_rate bigint", "revert_using text", "revert_refusal text", "result_fingerprint text",
                    "capture text NOT NULL DEFAULT 'trigger'", "slot text", "control_limits text",
                    "throttle_reason text", "throttled_since timestamptz",
                    "control_requests bigint NOT NULL DEFAULT 0", "throttle_limits text", "throttle_replicas text[]",
                    "throttle_probe text", "throttle_on_critical text", "throttle_critical_pause_ms bigint");
            String[] names = columns.stream().map(c -> c.substring(0, c.indexOf(' '))).toArray(String[]::new);
            if (s.number("SELECT count(*) FROM pg_attribute WHERE attrelid = " + Identifiers.literal(MIGRATIONS)
                    + "::regclass AND attname = ANY(?) AND NOT attisdropped",
                    (Object) names) < columns.size()) {
                s.execute("ALTER TABLE " + MIGRATIONS + columns.stream().map(c -> " ADD COLUMN IF NOT EXISTS " + c)
                        .collect(Collectors.joining(",")));
            }
            s.execute("CREATE TABLE IF NOT EXISTS " + EVENTS + " (migration_id bigint NOT NULL REFERENCES " + MIGRATIONS
                    + " ON DELETE CASCADE, at timestamptz NOT NULL DEFAULT clock_timestamp(), phase text NOT NULL,"
                    + " message text)");
            s.execute("CREATE TABLE IF NOT EXISTS " + COLUMNS + " (migration_id bigint NOT NULL REFERENCES " + MIGRATIONS
                    + " ON DELETE CASCADE, position int NOT NULL, name text NOT NULL, type text NOT NULL, source text,"
                    + " expression text, typed_expression text, generated boolean NOT NULL,"
                    + " PRIMARY KEY (migration_id, position))");
            s.execute("CREATE TABLE IF NOT EXISTS " + OBJECTS + " (migration_id bigint NOT NULL REFERENCES " + MIGRATIONS
                    + " ON DELETE CASCADE, position int NOT NULL, kind text NOT NULL, name text NOT NULL,"
                    + " definition text NOT NULL, flag boolean NOT NULL, PRIMARY KEY (migration_id, position))");
            s.execute("CREATE TABLE IF NOT EXISTS " + PARTITIONS + " (migration_id bigint NOT NULL REFERENCES "
                    + MIGRATIONS + " ON DELETE CASCADE, partition text NOT NULL, position int NOT NULL,"
                    + " state text NOT NULL, end_key text[], checkpoint text[], rows_copied bigint NOT NULL DEFAULT 0,"
                    + " PRIMARY KEY (migration_id, partition))");
            return null;
        });
    }

    /** @param slot the replication slot of logical capture; null for trigger capture */
    public long start(TableInfo table, String change, String changeHash, String options, String version,
                      String capture, String slot) throws SQLException {
        long id = session.number("INSERT INTO " + MIGRATIONS + " (table_oid, table_name, table_sql, change, change_hash,"
                        + " source_fingerprint, options, phase, doppel_version, estimated_rows, capture, slot) VALUES"
                        + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", table.oid(), table.display(),
                table.qualified(), change, changeHash, table.fingerprint(), options, Phase.PREFLIGHT.name(), version,
                table.estimatedRows(), capture, slot);
        event(id, Phase.PREFLIGHT, "started on " + table.display());
        return id;
    }

    /** Records the shadow's plan; done once, in the transaction that builds the shadow. */
    public static void saveShadow(Session s, long id, ShadowTable shadow) throws SQLException {
        ColumnMapping m = shadow.mapping();
        s.update("UPDATE " + MIGRATIONS + " SET source_key = ?, source_key_types = ?, target_key = ?,"
                        + " overriding_system_value = ? WHERE id = ?", m.sourceKey().toArray(String[]::new),
                m.sourceKeyTypes().toArray(String[]::new), m.targetKey().toArray(String[]::new),
                m.overridingSystemValue(), id);
        int position = 0;
        for (ColumnMapping.Target t : m.targets()) {
            s.update("INSERT INTO " + COLUMNS + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, position++, t.name(), t.type(),
                    t.source(), t.expression(), t.typedExpression(), t.generated());
        }
        position = 0;
        for (DeferredObject d : shadow.deferred()) {
            s.update("INSERT INTO " + OBJECTS + " VALUES (?, ?, 'deferred', ?, ?, ?)", id, position++, d.name(),
                    d.create(), d.key());
        }
        for (ForeignKey fk : shadow.foreignKeys()) {
            s.update("INSERT INTO " + OBJECTS + " VALUES (?, ?, 'foreign_key', ?, ?, ?)", id, position++, fk.name(),
                    fk.definition(), fk.validate());
        }
    }

    /**
     * Forgets the shadow a resume must build again: its column mapping, deferred objects and what was copied into
     * it (a copy checkpoint, the partitions copied).
     */
    public void forgetShadow(long id) throws SQLException {
        session.execute("DELETE FROM " + COLUMNS + " WHERE migration_id = ?", id);
        session.execute("DELETE FROM " + OBJECTS + " WHERE migration_id = ?", id);
        session.execute("DELETE FROM " + PARTITIONS + " WHERE migration_id = ?", id);
        session.update("UPDATE " + MIGRATIONS + " SET checkpoint = NULL, rows_copied = 0 WHERE id = ?", id);
    }

    public ShadowTable loadShadow(long id) throws SQLException {
        record Keys(List<String> source, List<String> types, List<String> target, boolean overriding) {
        }
        Keys keys = session.one("SELECT source_key, source_key_types, target_key, overriding_system_value FROM "
                + MIGRATIONS + " WHERE id = ?", rs -> new Keys(Session.strings(rs.getArray(1)), Session.strings(rs.getArray(2)),
                Session.strings(rs.getArray(3)), rs.getBoolean(4)), id);
        if (keys == null || keys.source().isEmpty()) {
            throw new DoppelException(Reason.NOT_RESUMABLE, "migration " + id + " stopped before its shadow table was"
                    + " recorded; abort it and run the change again");
        }
        List<ColumnMapping.Target> targets = session.query("SELECT name, type, source, expression, typed_expression,"
                        + " generated FROM " + COLUMNS + " WHERE migration_id = ? ORDER BY position",
                rs -> new ColumnMapping.Target(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getBoolean(6)), id);
        List<DeferredObject> deferred = session.query("SELECT name, definition, flag FROM " + OBJECTS
                        + " WHERE migration_id = ? AND kind = 'deferred' ORDER BY position",
                rs -> new DeferredObject(rs.getString(1), rs.getString(2), rs.getBoolean(3)), id);
        List<ForeignKey> fks = session.query("SELECT name, definition, flag FROM " + OBJECTS
                        + " WHERE migration_id = ? AND kind = 'foreign_key' ORDER BY position",
                rs -> new ForeignKey(rs.getString(1), rs.getString(2), rs.getBoolean(3)), id);
        return new ShadowTable(new ColumnMapping(targets, keys.source(), keys.types(), keys.target(),
                keys.overriding()), deferred, fks);
    }

    /** How a change's text is recognised again: by its SHA-256, recorded with the migration. */
    public static String changeHash(String change) {
        return Session.sha256(change);
    }

    /**
     * The migration, if a resume may go on with it: not finished, and its recorded change still the one its hash was
     * taken of (nobody edited the state).
     */
    public MigrationRecord loadResumable(long id) throws SQLException {
        MigrationRecord r = load(id);
        if (JobStore.CAPTURE.equals(r.capture())) {
            throw new DoppelException(Reason.NOT_A_MIGRATION, id + " is a data job on " + r.tableName() + ", not a"
                    + " schema migration: `DataJobs.resume(" + id + ")` goes on with it (`doppel resume " + id
                    + "` handles both)");
        }
        if (r.finished()) {
            throw new DoppelException(Reason.NOT_RESUMABLE, "migration " + id + " of " + r.tableName() + " already "
                    + r.outcome() + "; there is nothing to resume" + (r.swapped() ? "" : ": run the change again"));
        }
        if (!changeHash(r.change()).equals(r.changeHash())) {
            throw new DoppelException(Reason.NOT_RESUMABLE, "the recorded change of migration " + id + " does not"
                    + " match its hash; the state was edited. Abort it and run the change again");
        }
        return r;
    }

    public MigrationRecord load(long id) throws SQLException {
        if (!session.exists(MIGRATIONS)) {
            throw new DoppelException(Reason.MIGRATION_NOT_FOUND, "there is no migration " + id + ": this database has"
                    + " no doppel state (schema doppel) at all");
        }
        MigrationRecord r = session.one(SELECT + " WHERE id = ?", MigrationStore::record, id);
        if (r == null) {
            throw new DoppelException(Reason.MIGRATION_NOT_FOUND, "there is no migration " + id + " in this database;"
                    + " `doppel status` lists them");
        }
        return r;
    }

    /** Every migration, newest first; empty when doppel never ran here. */
    public List<MigrationRecord> all() throws SQLException {
        if (!session.exists(MIGRATIONS)) {
            return List.of();
        }
        return session.query(SELECT + " ORDER BY id DESC", MigrationStore::record);
    }

    private static final String SELECT = "SELECT id, table_oid, table_name, table_sql, change, change_hash, source_fingerprint,"
            + " phase, checkpoint, rows_copied, outcome, error, old_table, drop_after, started_at, updated_at, pid,"
            + " control_paused, control_max_rows_per_second, control_cutover = 'postponed',"
            + " control_cutover = 'released', control_seen_at,"
            + " estimated_rows, copy_rate, revert_using, revert_refusal, capture, slot, control_limits, throttle_reason,"
            + " throttled_since, control_requests, throttle_limits, throttle_replicas, throttle_probe,"
            + " throttle_on_critical, throttle_critical_pause_ms FROM " + MIGRATIONS;

    private static MigrationRecord record(ResultSet rs) throws SQLException {
        return new MigrationRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), Phase.valueOf(rs.getString(8)),
                rs.getArray(9) == null ? null : Session.strings(rs.getArray(9)), rs.getLong(10), Outcome.of(rs.getString(11)),
                rs.getString(12), rs.getString(13), instant(rs.getTimestamp(14)), instant(rs.getTimestamp(15)),
                instant(rs.getTimestamp(16)), rs.getInt(17),
                new OperatorRequests.Settings(rs.getBoolean(18), (Long) rs.getObject(19), rs.getBoolean(20), rs.getBoolean(21),
                        ThrottleSettings.parseLimits(rs.getString(29)), rs.getLong(32)),
                instant(rs.getTimestamp(22)), rs.getLong(23), rs.getLong(24), rs.getString(25), rs.getString(26),
                rs.getString(27), rs.getString(28), rs.getString(30), instant(rs.getTimestamp(31)), throttle(rs));
    }

    private static ThrottleSettings throttle(ResultSet rs) throws SQLException {
        String action = rs.getString(36);
        Long pauseMillis = (Long) rs.getObject(37);
        return new ThrottleSettings(ThrottleSettings.parseLimits(rs.getString(33)),
                rs.getArray(34) == null ? List.of() : Session.strings(rs.getArray(34)), rs.getString(35),
                action == null ? null : ThrottleSettings.Critical.valueOf(action),
                pauseMillis == null ? null : Duration.ofMillis(pauseMillis), 0);
    }

    /**
     * The throttle the migration copies under, so that a resume and `status` know it: replica URLs without their
     * passwords (they come from PGPASSWORD or ~/.pgpass then), the probe, the limits and the critical action.
     */
    public void recordThrottle(long id, ThrottleSettings t) throws SQLException {
        session.update("UPDATE " + MIGRATIONS + " SET throttle_limits = ?, throttle_replicas = ?, throttle_probe = ?,"
                        + " throttle_on_critical = ?, throttle_critical_pause_ms = ? WHERE id = ?",
                t.limits().isEmpty() ? null : ThrottleSettings.formatLimits(t.limits()),
                t.replicas().isEmpty() ? null : t.recordableReplicas().toArray(String[]::new), t.probe(),
                t.onCritical() == null ? null : t.onCritical().name(),
                t.criticalPause() == null ? null : t.criticalPause().toMillis(), id);
    }

    public void phase(long id, Phase phase, String message) throws SQLException {
        session.update("UPDATE " + MIGRATIONS + " SET phase = ?, updated_at = now(), pid = pg_backend_pid()"
                + " WHERE id = ?", phase.name(), id);
        event(id, phase, message);
    }

    private void event(long id, Phase phase, String message) throws SQLException {
        session.update("INSERT INTO " + EVENTS + " (migration_id, phase, message) VALUES (?, ?, ?)", id, phase.name(),
                message);
    }

    /**
     * The checkpoint update a copy chunk runs in its own transaction. Parameters: key (text[]), rows, the copy's
     * rate so far (rows/s, for `status`), id.
     */
    public static String checkpointSql() {
        return "UPDATE " + MIGRATIONS + " SET checkpoint = ?, rows_copied = rows_copied + ?, copy_rate = ?,"
                + " updated_at = now() WHERE id = ?";
    }

    /**
     * The leaves a partitioned source's copy goes through, in its order: recorded as waiting unless already recorded
     * (a resumed copy keeps what its partitions did).
     */
    public static void planPartitions(Session s, long id, List<String> partitions) throws SQLException {
        s.update("INSERT INTO " + PARTITIONS + " (migration_id, partition, position, state) SELECT ?, p, o, 'waiting'"
                + " FROM unnest(?::text[]) WITH ORDINALITY u(p, o) ON CONFLICT DO NOTHING", id,
                partitions.toArray(String[]::new));
    }

    /** Every leaf's copy of a migration, in the copy's order; empty for a plain table or an earlier doppel's state. */
    public static List<PartitionCopy> partitions(Session s, long id) throws SQLException {
        if (!s.exists(PARTITIONS)) {
            return List.of();
        }
        return s.query("SELECT partition, position, state, end_key, checkpoint, rows_copied FROM " + PARTITIONS
                + " WHERE migration_id = ? ORDER BY position", rs -> new PartitionCopy(rs.getString(1), rs.getInt(2),
                PartitionCopy.State.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)),
                rs.getArray(4) == null ? null : Session.strings(rs.getArray(4)),
                rs.getArray(5) == null ? null : Session.strings(rs.getArray(5)), rs.getLong(6)), id);
    }

    /** A leaf's copy starts with the end key taken now; a leaf that was empty then ({@code endKey} null) is done. */
    public static void partitionStarted(Session s, long id, String partition, String[] endKey) throws SQLException {
        s.update("UPDATE " + PARTITIONS + " SET state = ?, end_key = ? WHERE migration_id = ? AND partition = ?",
                endKey == null ? "copied" : "copying", endKey, id, partition);
    }

    /** A leaf's copy reached its end key. */
    public static void partitionCopied(Session s, long id, String partition) throws SQLException {
        s.update("UPDATE " + PARTITIONS + " SET state = 'copied' WHERE migration_id = ? AND partition = ?", id,
                partition);
    }

    /**
     * The checkpoint update a copy chunk of one leaf runs in its own transaction: the leaf's key and rows, and the
     * migration's rows and rate. Parameters: key (text[]), rows, id, partition, rows, rate (rows/s), id.
     */
    public static String partitionCheckpointSql() {
        return "WITH leaf AS (UPDATE " + PARTITIONS + " SET checkpoint = ?, rows_copied = rows_copied + ?"
                + " WHERE migration_id = ? AND partition = ?) UPDATE " + MIGRATIONS + " SET rows_copied = rows_copied"
                + " + ?, copy_rate = ?, updated_at = now() WHERE id = ?";
    }

    /**
     * Records why the copy is held now (null: it is not), for `status`; the time it started being held stays
     * while the reason changes.
     */
    public static void throttled(Session s, long id, String reason) throws SQLException {
        s.update("UPDATE " + MIGRATIONS + " SET throttle_reason = ?, throttled_since = CASE WHEN ?::text IS NULL"
                + " THEN NULL ELSE coalesce(throttled_since, now()) END WHERE id = ?", reason, reason, id);
    }

    /** Change-log entries not yet re-synced, or -1 when the migration has no log (not started or finished). */
    public long backlog(long tableOid) throws SQLException {
        ObjectNames names = new ObjectNames(tableOid);
        return !session.exists(names.log()) ? -1
                : session.number(MigrationSql.backlog(names));
    }

    /** Revert-log entries a revert would re-sync, or -1 when there is no revert log (none kept, or removed). */
    public long revertBacklog(long tableOid) throws SQLException {
        ObjectNames names = new ObjectNames(tableOid);
        return !session.exists(names.revertCapture().log()) ? -1
                : session.number(MigrationSql.revertBacklog(names));
    }

    /**
     * The succeeded migration of the table with this OID that can still be reverted (its revert capture sits on the
     * table that replaced it), or null.
     */
    public MigrationRecord revertableOf(long tableOid) throws SQLException {
        if (!session.exists(MIGRATIONS)) {
            return null;
        }
        return session.one(SELECT + " WHERE table_oid = ? AND outcome = 'succeeded' AND old_table IS NOT NULL"
                + " AND revert_refusal IS NULL ORDER BY id DESC LIMIT 1", MigrationStore::record, tableOid);
    }

    /**
     * Run inside a later migration's swap transaction, which retires the table an earlier migration's revert capture
     * logs: that migration can no longer be reverted, and says why.
     */
    public static void revertEnded(Session s, long tableOid, long byId, String table) throws SQLException {
        String why = "migration " + byId + " rewrote " + table + " and swapped in a new table, which ended this"
                + " revert: the writes since are not logged for it";
        for (long id : s.query("UPDATE " + MIGRATIONS + " SET revert_refusal = ?, updated_at = now() WHERE table_oid = ?"
                + " AND outcome = 'succeeded' AND revert_refusal IS NULL RETURNING id", rs -> rs.getLong(1), why,
                tableOid)) {
            s.update("INSERT INTO " + EVENTS + " (migration_id, phase, message) VALUES (?, ?, ?)", id,
                    Phase.DONE.name(), "no longer revertable: " + why);
        }
    }

    /**
     * Run inside the swap's transaction: the old table's name, and the foreign keys on referencing tables left to
     * validate, commit exactly when the swap does.
     */
    public static void recordSwap(Session s, long id, String oldTable, AfterSwap.ForeignKeys toSettle)
            throws SQLException {
        s.update("UPDATE " + MIGRATIONS + " SET old_table = ?, updated_at = now() WHERE id = ?", oldTable, id);
        appendObjects(s, id, "validate", toSettle.validate().stream().map(fk -> new Object[] {fk[1], fk[0], true})
                .toList());
        // Table, definition and comment of a partitioned table's key, in one column: separated by U+001F.
        appendObjects(s, id, "attach", toSettle.attach().stream().map(fk -> new Object[] {fk.name(), fk.table()
                + "\u001f" + fk.definition() + "\u001f" + (fk.comment() == null ? "" : fk.comment()), fk.validate()})
                .toList());
    }

    /** What is left to settle after the swap: (table, constraint) pairs to validate, then partitioned tables' keys. */
    public AfterSwap.ForeignKeys toSettle(long id) throws SQLException {
        List<TreeForeignKey> attach = session.query("SELECT name, definition, flag FROM " + OBJECTS
                + " WHERE migration_id = ? AND kind = 'attach' ORDER BY position", rs -> {
                    String[] parts = rs.getString(2).split("\u001f", -1);
                    return new TreeForeignKey(parts[0], rs.getString(1), parts[1], rs.getBoolean(3),
                            parts[2].isEmpty() ? null : parts[2]);
                }, id);
        return new AfterSwap.ForeignKeys(toValidate(id), attach);
    }

    /**
     * Adds objects of one kind, each (name, definition, flag), after those the migration has, in one statement: the
     * swap's transaction holds the table's lock, and each round trip is time the application waits.
     */
    private static void appendObjects(Session s, long id, String kind, List<Object[]> objects) throws SQLException {
        if (objects.isEmpty()) {
            return;
        }
        s.update("INSERT INTO " + OBJECTS + " SELECT ?, (SELECT count(*) FROM " + OBJECTS + " WHERE migration_id = ?)"
                        + " + o - 1, ?, n, d, f FROM unnest(?::text[], ?::text[], ?::boolean[]) WITH ORDINALITY u(n, d, f, o)",
                id, id, kind, objects.stream().map(o -> (String) o[0]).toArray(String[]::new),
                objects.stream().map(o -> (String) o[1]).toArray(String[]::new),
                objects.stream().map(o -> (Boolean) o[2]).toArray(Boolean[]::new));
    }

    /** The user's inverse for a revert (`col=expr, ...`), recorded at the start so that a later revert uses it. */
    public void revertUsing(long id, String revertUsing) throws SQLException {
        session.update("UPDATE " + MIGRATIONS + " SET revert_using = ? WHERE id = ?", revertUsing, id);
    }

    /**
     * Run inside the swap's transaction: what a revert needs to give the old table back its place (the names its
     * indexes had, as (original, name now) pairs, and its own foreign keys, which the swap drops), or why the change
     * cannot be reverted.
     */
    public static void recordRevertPlan(Session s, long id, List<String[]> indexNames, List<ForeignKey> foreignKeys,
                                        String refusal) throws SQLException {
        s.update("UPDATE " + MIGRATIONS + " SET revert_refusal = ? WHERE id = ?", refusal, id);
        appendObjects(s, id, "old_index", indexNames.stream().map(i -> new Object[] {i[0], i[1], false}).toList());
        appendObjects(s, id, "old_foreign_key", foreignKeys.stream()
                .map(fk -> new Object[] {fk.name(), fk.definition(), fk.validate()}).toList());
    }

    /** The old table's index names as (original, name now) pairs; see {@link #recordRevertPlan}. */
    public List<String[]> oldIndexNames(long id) throws SQLException {
        return session.query("SELECT name, definition FROM " + OBJECTS + " WHERE migration_id = ? AND kind = 'old_index'"
                + " ORDER BY position", rs -> new String[] {rs.getString(1), rs.getString(2)}, id);
    }

    /** The old table's own foreign keys, dropped at the swap, to add back when a revert puts it in place again. */
    public List<ForeignKey> oldForeignKeys(long id) throws SQLException {
        return session.query("SELECT name, definition, flag FROM " + OBJECTS + " WHERE migration_id = ?"
                + " AND kind = 'old_foreign_key' ORDER BY position",
                rs -> new ForeignKey(rs.getString(1), rs.getString(2), rs.getBoolean(3)), id);
    }

    /**
     * Run inside the revert's swap transaction: the outcome, and the new table retired in the old one's place,
     * commit exactly when the swap back does.
     */
    public static void recordRevert(Session s, long id, String retiredTable, Instant dropAfter,
                                    List<String[]> toValidate) throws SQLException {
        s.update("UPDATE " + MIGRATIONS + " SET outcome = 'reverted', phase = ?, old_table = ?, drop_after = ?,"
                + " error = NULL, finished_at = now(), updated_at = now() WHERE id = ?", Phase.REVERTED.name(),
                retiredTable, Timestamp.from(dropAfter), id);
        s.update("INSERT INTO " + EVENTS + " (migration_id, phase, message) VALUES (?, ?, ?)", id,
                Phase.REVERTED.name(), "reverted; the new table is kept as " + retiredTable + " ("
                        + toValidate.size() + " referencing foreign keys to validate)");
    }

    /** Foreign keys on referencing tables to validate after the swap, as (table, constraint) pairs. */
    private List<String[]> toValidate(long id) throws SQLException {
        return session.query("SELECT definition, name FROM " + OBJECTS + " WHERE migration_id = ? AND kind = 'validate'"
                + " ORDER BY position", rs -> new String[] {rs.getString(1), rs.getString(2)}, id);
    }

    /**
     * A stop that leaves the migration resumable: the error is recorded, the outcome stays open, and nothing holds
     * the copy any more (a throttle's reason, if it stopped the migration, is in the error).
     */
    public void stopped(long id, Phase phase, String error) throws SQLException {
        session.update("UPDATE " + MIGRATIONS + " SET error = ?, throttle_reason = NULL, throttled_since = NULL,"
                + " updated_at = now() WHERE id = ?", error, id);
        event(id, phase, "stopped: " + error);
    }

    public void finish(long id, Outcome outcome, String error, String oldTable, Instant dropAfter)
            throws SQLException {
        Phase phase = outcome.phase();
        session.update("UPDATE " + MIGRATIONS + " SET phase = ?, outcome = ?, error = ?, old_table = ?, drop_after = ?,"
                        + " finished_at = now(), updated_at = now() WHERE id = ?", phase.name(), outcome.word(), error,
                oldTable, dropAfter == null ? null : Timestamp.from(dropAfter), id);
        event(id, phase, error == null ? outcome.word() : outcome.word() + ": " + error);
    }

    /**
     * The definition fingerprint of the table a succeeded migration left behind: running the same change again
     * finds it done while the table still matches.
     */
    public void recordResult(long id, String fingerprint) throws SQLException {
        session.update("UPDATE " + MIGRATIONS + " SET result_fingerprint = ? WHERE id = ?", fingerprint, id);
    }

    /** The recorded result fingerprint of a migration, or null (not succeeded, or recorded by an earlier doppel). */
    public String resultFingerprint(long id) throws SQLException {
        if (session.text("SELECT attname::text FROM pg_attribute WHERE attrelid = ?::regclass"
                + " AND attname = 'result_fingerprint'", MIGRATIONS) == null) {
            return null;
        }
        return session.text("SELECT result_fingerprint FROM " + MIGRATIONS + " WHERE id = ?", id);
    }

    /**
     * The newest migration of the same change ({@code changeHash}) on this table: matched by OID while it has not
     * swapped, and by name after, when the name belongs to the new table. Null when there is none.
     */
    public MigrationRecord latestOf(long tableOid, String tableSql, String changeHash) throws SQLException {
        if (!session.exists(MIGRATIONS)) {
            return null;
        }
        return session.one(SELECT + " WHERE change_hash = ? AND (table_oid = ? OR table_sql = ?) ORDER BY id DESC"
                + " LIMIT 1", MigrationStore::record, changeHash, tableOid, tableSql);
    }

    /** Marks a retained old table as dropped. */
    public void oldTableDropped(long id) throws SQLException {
        session.update("UPDATE " + MIGRATIONS + " SET old_table = NULL, drop_after = NULL, updated_at = now()"
                + " WHERE id = ?", id);
        event(id, Phase.DONE, "old table dropped");
    }


    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
