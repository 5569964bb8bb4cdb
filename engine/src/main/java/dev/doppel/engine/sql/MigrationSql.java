package dev.doppel.engine.sql;

import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.ColumnMapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * Every statement a migration runs, generated in one place from the source table, the names doppel owns and the
 * column mapping. Identifiers go through {@link Identifiers}; user text enters only as the ALTER's own subcommands
 * and USING expressions, which PostgreSQL validated on an empty copy first.
 */
public final class MigrationSql {

    public static final String LOG_ID = "doppel_id";
    public static final String LOG_OP = "doppel_op";

    private final String source;
    private final String target;
    private final CaptureNames capture;
    private final ObjectNames names;
    private final ColumnMapping mapping;
    /** The source's partitions; {@link PartitionTree#NONE} for a plain table. */
    private final PartitionTree partitions;
    /** The target's partitions: the source's, or another tree when the change (un)partitions the table. */
    private final PartitionTree targetPartitions;
    /**
     * Whether re-sync replaces a logged key's target row outright (delete, then insert), or updates it in place. In
     * place keeps the values of target columns nothing fills: a revert's, which the change dropped and the old
     * table still holds. A forward migration's new columns take their defaults again either way.
     */
    private final boolean replaceRows;

    /** The forward migration: source to {@code doppel.shadow_<oid>}, captured by the source's own log. */
    public MigrationSql(TableInfo source, ObjectNames names, ColumnMapping mapping) {
        this(source, source.partitions(), names, mapping);
    }

    /** The forward migration into a shadow partitioned as {@code targetPartitions}. */
    public MigrationSql(TableInfo source, PartitionTree targetPartitions, ObjectNames names, ColumnMapping mapping) {
        this(source.qualified(), names.shadow(), names.capture(), names, mapping, source.partitions(),
                targetPartitions, true);
    }

    private MigrationSql(String source, String target, CaptureNames capture, ObjectNames names,
                         ColumnMapping mapping, PartitionTree partitions, PartitionTree targetPartitions,
                         boolean replaceRows) {
        this.source = source;
        this.target = target;
        this.capture = capture;
        this.names = names;
        this.mapping = mapping;
        this.partitions = partitions;
        this.targetPartitions = targetPartitions;
        this.replaceRows = replaceRows;
    }

    /**
     * The way back after a swap: the new table (now under the source's name) to the retained old table, through
     * the inverse mapping, captured by a second log. The same statements then keep the old table in sync.
     */
    public static MigrationSql reverse(String newTable, String oldTable, ObjectNames names, ColumnMapping inverse) {
        return reverse(newTable, oldTable, names, inverse, PartitionTree.NONE, PartitionTree.NONE);
    }

    /**
     * The same when either table is partitioned: {@code partitions} are the new table's (the capture's TRUNCATE
     * triggers go on each, and the swap back retires them), {@code oldPartitions} those the swap back puts in
     * place, by the names they take back ({@link PartitionTree#NONE} for a plain old table).
     */
    public static MigrationSql reverse(String newTable, String oldTable, ObjectNames names, ColumnMapping inverse,
                                       PartitionTree partitions, PartitionTree oldPartitions) {
        return new MigrationSql(newTable, oldTable, names.revertCapture(), names, inverse, partitions, oldPartitions,
                inverse.targets().stream().allMatch(t -> t.copied() || t.generated()));
    }

    public ObjectNames names() {
        return names;
    }

    /** The source's partitions; {@link PartitionTree#NONE} for a plain table. */
    public PartitionTree partitions() {
        return partitions;
    }

    /** The partitions the target is built with and the swap puts in place. */
    public PartitionTree targetPartitions() {
        return targetPartitions;
    }

    /** The capture these statements read: the forward one, or the revert capture. */
    public CaptureNames capture() {
        return capture;
    }

    public String src() {
        return source;
    }

    private List<String> key() {
        return mapping.sourceKey();
    }

    private String keyList(String prefix) {
        return prefix == null ? Identifiers.list(key()) : Identifiers.list(prefix, key());
    }

    private String row(String prefix) {
        return "(" + keyList(prefix) + ")";
    }

    /**
     * The copy's statements for one leaf of a partitioned source: they read the leaf itself (one index, no merge
     * over every partition) and write its copy in the shadow tree when the target keeps the source's partitions, or
     * the target's root when the change gives it others (or none), so that PostgreSQL routes each row.
     */
    public MigrationSql copyOf(PartitionTree.Partition leaf) {
        String into = targetPartitions.equals(partitions) ? leaf.shadow() : target;
        return new MigrationSql(leaf.qualified(), into, capture, names, mapping, PartitionTree.NONE,
                PartitionTree.NONE, replaceRows);
    }

    // ---- after the swap -------------------------------------------------------------------------------------

    /** 1 when constraint (name, parameter 2) of table (parameter 1) exists NOT VALID, else 0. */
    public static String notValidated() {
        return "SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass(?) AND conname = ? AND NOT convalidated";
    }

    public static String validateConstraint(String table, String constraint) {
        return "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + quote(constraint);
    }

    // ---- the shadow's upkeep --------------------------------------------------------------------------------

    /**
     * Keeps autovacuum off the shadow until the swap: a vacuum or analyze it starts on the freshly filled table
     * holds a lock the swap needs and yields to a waiter only after {@code deadlock_timeout}, longer than a lock
     * attempt. The swap restores the source's setting ({@link SwapSql#restoreAutovacuum}).
     */
    public static String holdAutovacuum(String table) {
        return "ALTER TABLE " + table + " SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)";
    }

    /** The shadow's relations that hold rows: the shadow itself, or the copies of its leaves when partitioned. */
    public static List<String> shadowHeaps(ObjectNames names, PartitionTree partitions) {
        return partitions.partitioned() ? partitions.leaves().stream().map(PartitionTree.Partition::shadow).toList()
                : List.of(names.shadow());
    }

    /** Index builds with the session's own process only, or ({@code serial} false) as the server allows. */
    public static String maintenanceWorkers(boolean serial) {
        return serial ? "SET max_parallel_maintenance_workers = 0" : "RESET max_parallel_maintenance_workers";
    }

    /**
     * 'lz4' when the server leaves WAL compression off and has lz4 (PostgreSQL 15 on, built with it); no row
     * otherwise.
     */
    public static String walCompressionMethod() {
        return "SELECT 'lz4' FROM pg_settings WHERE name = 'wal_compression' AND setting = 'off'"
                + " AND 'lz4' = ANY(enumvals)";
    }

    /** Statistics for the shadow before the swap, so the first queries on the new table are planned with them. */
    public String analyzeShadow() {
        return "ANALYZE " + target;
    }

    // ---- repack order ---------------------------------------------------------------------------------------

    /** The statements that put the copied shadow in the order of {@code orderBy}; nothing else uses the shadow yet. */
    public List<String> orderShadow(String orderBy) {
        return List.of("DROP INDEX IF EXISTS " + Identifiers.qualified(ObjectNames.SCHEMA, names.orderIndexName()),
                createOrderIndex(orderBy), "CLUSTER " + names.shadow() + " USING " + quote(names.orderIndexName()),
                "DROP INDEX " + Identifiers.qualified(ObjectNames.SCHEMA, names.orderIndexName()));
    }

    public String createOrderIndex(String orderBy) {
        return "CREATE INDEX " + quote(names.orderIndexName()) + " ON " + names.shadow() + " (" + orderBy + ")";
    }

    // ---- change capture -------------------------------------------------------------------------------------

    public String createLog() {
        String cols = IntStream.range(0, key().size())
                .mapToObj(i -> quote(key().get(i)) + " " + mapping.sourceKeyTypes().get(i))
                .collect(Collectors.joining(", "));
        return "CREATE TABLE " + capture.log() + " (" + quote(LOG_ID) + " bigserial PRIMARY KEY, " + quote(LOG_OP)
                + " \"char\" NOT NULL, " + cols + ")";
    }

    /**
     * The trigger function: logs keys only, so an application write never evaluates a transformation. Its
     * search_path is pinned, so it calls no operator a type keeps outside pg_catalog (ltree's, citext's =): a key
     * change is told by the keys' bytes (record_image_eq), which also logs a key respelled
     * without changing its value (numeric 1.0 to 1.00, citext case), so that replay rewrites it.
     */
    public String createCaptureFunction() {
        String insert = "INSERT INTO " + capture.log() + " (" + quote(LOG_OP) + ", " + keyList(null) + ") VALUES ";
        return "CREATE FUNCTION " + capture.function() + "() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
                + " SET search_path = pg_catalog, pg_temp AS $doppel_capture$\nBEGIN\n"
                + "  IF TG_OP = 'TRUNCATE' THEN\n"
                + "    INSERT INTO " + capture.log() + " (" + quote(LOG_OP) + ") VALUES ('T');\n"
                + "  ELSIF TG_OP = 'INSERT' THEN\n"
                + "    " + insert + "('+', " + keyList("NEW") + ");\n"
                + "  ELSIF TG_OP = 'DELETE' THEN\n"
                + "    " + insert + "('-', " + keyList("OLD") + ");\n"
                + "  ELSE\n"
                + "    " + insert + "('~', " + keyList("OLD") + ");\n"
                + "    IF NOT pg_catalog.record_image_eq(ROW(" + keyList("NEW") + "), ROW(" + keyList("OLD") + ")) THEN\n"
                + "      " + insert + "('+', " + keyList("NEW") + ");\n"
                + "    END IF;\n"
                + "  END IF;\n"
                + "  RETURN NULL;\nEND\n$doppel_capture$";
    }

    /**
     * The capture's triggers. On a partitioned table PostgreSQL clones the row trigger to every partition, present
     * and attached later, and ENABLE ALWAYS reaches the clones; the TRUNCATE triggers are {@link #truncateTriggers}.
     */
    public List<String> createTriggers() {
        List<String> out = new ArrayList<>(List.of(
                "CREATE TRIGGER " + quote(capture.rowTrigger()) + " AFTER INSERT OR UPDATE OR DELETE ON " + src()
                        + " FOR EACH ROW EXECUTE FUNCTION " + capture.function() + "()",
                // Writes applied by logical replication or with session_replication_role = replica are changes too.
                PartitionSql.enableAlways(src(), capture.rowTrigger())));
        out.addAll(truncateTriggers());
        return out;
    }

    /**
     * The capture's TRUNCATE triggers: a statement trigger is not cloned, and a partition truncated by its own name
     * fires only its own, so each partition of a tree gets one too (the function drops them all with it). Logical
     * capture of a tree needs them as well: a publication through the root does not send a TRUNCATE of one
     * partition by its own name.
     */
    public List<String> truncateTriggers() {
        List<String> out = new ArrayList<>(List.of(
                PartitionSql.truncateTrigger(capture.truncateTrigger(), src(), capture.function()),
                PartitionSql.enableAlways(src(), capture.truncateTrigger())));
        for (PartitionTree.Partition p : partitions.partitions()) {
            out.add(PartitionSql.truncateTrigger(capture.truncateTrigger(), p.qualified(), capture.function()));
            out.add(PartitionSql.enableAlways(p.qualified(), capture.truncateTrigger()));
        }
        return out;
    }

    /**
     * The capture's triggers that no longer fire for every write, by name (null when all do): {@code ALTER TABLE
     * ... DISABLE TRIGGER USER | ALL}, as bulk loaders and {@code pg_restore --disable-triggers} run, turns them off,
     * and the ENABLE that follows leaves them firing only for origin writes. Logical capture has only a tree's
     * TRUNCATE triggers.
     */
    public String disabledCapture() {
        String relations = partitions.partitioned() ? "IN (SELECT relid FROM pg_partition_tree("
                + Identifiers.literal(src()) + "::regclass))" : "= to_regclass(" + Identifiers.literal(src()) + ")";
        return "SELECT string_agg(DISTINCT tgname, ', ') FROM pg_trigger WHERE tgrelid " + relations
                + " AND tgname IN (" + Identifiers.literal(capture.rowTrigger()) + ", "
                + Identifiers.literal(capture.truncateTrigger()) + ") AND tgenabled <> 'A'";
    }

    /**
     * One log entry from the logical relay: the op ('+', '-', '~', 'T') and the key's columns as text (null for a
     * TRUNCATE), cast to the key's types.
     */
    public String insertLogEntry() {
        return "INSERT INTO " + names.log() + " (" + quote(LOG_OP) + ", " + keyList(null) + ") VALUES (CAST(? AS \"char\"), "
                + keyParams() + ")";
    }

    /** The source's key columns, in the log's order: what the relay picks out of each decoded row. */
    public List<String> sourceKey() {
        return key();
    }

    /**
     * Drops the capture's triggers and function from whatever table now carries them (the old table, in the swap),
     * leaving its log to {@link #dropLog}: a transaction that drops a table waits for its WAL flush at commit.
     */
    public List<String> dropCaptureTriggers(String table) {
        return dropTriggers(capture, table);
    }

    /** Drops the capture's log, once nothing writes to it. */
    public String dropLog() {
        return "DROP TABLE IF EXISTS " + capture.log();
    }

    /** The same, knowing only the names: what abort and cleanup need when no mapping is at hand. */
    public static List<String> dropCapture(ObjectNames names, String table) {
        return dropCapture(names.capture(), table);
    }

    /** Removes a capture (the forward one, or the revert capture on the new table) from {@code table}. */
    public static List<String> dropCapture(CaptureNames capture, String table) {
        List<String> statements = new ArrayList<>(dropTriggers(capture, table));
        statements.add("DROP TABLE IF EXISTS " + capture.log());
        return statements;
    }

    private static List<String> dropTriggers(CaptureNames capture, String table) {
        return List.of(
                "DROP TRIGGER IF EXISTS " + quote(capture.rowTrigger()) + " ON " + table,
                "DROP TRIGGER IF EXISTS " + quote(capture.truncateTrigger()) + " ON " + table,
                // CASCADE: the revert capture may have stayed on a table a later migration retired.
                "DROP FUNCTION IF EXISTS " + capture.function() + "() CASCADE");
    }

    /** Holds writers off (readers go on) while verification's snapshot is taken at a quiet point. */
    public String lockForQuietPoint() {
        return "LOCK TABLE " + src() + " IN SHARE MODE";
    }

    public String backlog() {
        return backlog(capture);
    }

    /** The same, knowing only the names: what `status` needs for a migration it does not run. */
    public static String backlog(ObjectNames names) {
        return backlog(names.capture());
    }

    /** Writes to the new table since the swap not yet applied to the old one: what a revert has to re-sync. */
    public static String revertBacklog(ObjectNames names) {
        return backlog(names.revertCapture());
    }

    /**
     * The earlier migrations whose revert capture is on a table, as the table OIDs their trigger names carry (see
     * {@link ObjectNames#revertCapture}). Parameter: the table's OID.
     */
    public static String revertCapturesOn() {
        return "SELECT substr(tgname, 15)::bigint FROM pg_trigger WHERE tgrelid = ?"
                + " AND tgname ~ '^doppel_revert_[0-9]+$' ORDER BY 1";
    }

    private static String backlog(CaptureNames capture) {
        return "SELECT count(*) FROM " + capture.log();
    }

    /** The data files of source and target, as text: a TRUNCATE of either gives it a new one. */
    public String dataFiles() {
        return "SELECT " + files(src(), partitions) + " || '/' || " + files(target, targetPartitions);
    }

    private static String files(String table, PartitionTree tree) {
        return tree.partitioned() ? PartitionSql.treeFiles(table)
                : "pg_relation_filenode(" + Identifiers.literal(table) + "::regclass)";
    }

    /** Whether a TRUNCATE is waiting to be applied: until it is, no key-by-key comparison means anything. */
    public String truncatePending() {
        return "SELECT count(*) FROM " + capture.log() + " WHERE " + quote(LOG_OP) + " = 'T'";
    }

    // ---- copy -----------------------------------------------------------------------------------------------

    private String insertInto() {
        return "INSERT INTO " + target + " (" + Identifiers.list(mapping.copied().stream()
                .map(ColumnMapping.Target::name).toList()) + ")"
                + (mapping.overridingSystemValue() ? " OVERRIDING SYSTEM VALUE" : "");
    }

    private String copiedExpressions() {
        return mapping.copied().stream().map(ColumnMapping.Target::expression).collect(Collectors.joining(", "));
    }

    private String keyParams() {
        return IntStream.range(0, key().size()).mapToObj(i -> "CAST(? AS " + mapping.sourceKeyTypes().get(i) + ")")
                .collect(Collectors.joining(", "));
    }

    /**
     * Copies the next chunk after the given key (or from the start), no further than the end key when
     * {@code capped}, and returns the row count and the chunk's last key as text. The chunk's last key is found
     * first, reading only the key's index, and the rows up to it are copied in one range scan: materializing the
     * chunk to count it and find its end cost a third more. Parameters: {@link #copyChunkParams}.
     */
    public String copyChunk(boolean first, boolean capped) {
        List<String> bounds = new ArrayList<>();
        if (!first) {
            bounds.add(row(null) + " > (" + keyParams() + ")");
        }
        if (capped) {
            bounds.add(row(null) + " <= (" + keyParams() + ")");
        }
        String where = bounds.isEmpty() ? "" : " WHERE " + String.join(" AND ", bounds);
        String keys = keyList(null);
        String past = capped ? "SELECT " + keyParams() + ", 1"
                : "SELECT " + keys + ", 1 FROM (SELECT " + keys + " FROM " + src() + " ORDER BY "
                + key().stream().map(k -> quote(k) + " DESC").collect(Collectors.joining(", ")) + " LIMIT 1) l";
        String lastKey = key().stream().map(k -> quote(k) + "::text").collect(Collectors.joining(", "));
        return "WITH upper AS (SELECT " + keys + " FROM " + src() + where + " ORDER BY " + keys + " OFFSET ? LIMIT 1),"
                + " bound AS (SELECT " + keys + " FROM (SELECT " + keys + ", 0 AS o FROM upper UNION ALL " + past
                + ") z ORDER BY o LIMIT 1),"
                + " copied AS (" + insertInto() + " SELECT " + copiedExpressions() + " FROM " + src()
                + (first ? " WHERE " : " WHERE " + row(null) + " > (" + keyParams() + ") AND ") + row(null)
                + " <= (SELECT " + keys + " FROM bound) RETURNING 1)"
                + " SELECT (SELECT count(*) FROM copied), " + lastKey + " FROM bound";
    }

    /**
     * {@link #copyChunk}'s parameters: the chunk after {@code from} (null: from the start), up to {@code end} (null:
     * to the last row), of at most {@code limit} rows.
     */
    public static Object[] copyChunkParams(String[] from, String[] end, int limit) {
        List<Object> params = new ArrayList<>();
        if (from != null) {
            params.addAll(List.of(from));
        }
        if (end != null) {
            params.addAll(List.of(end));
        }
        params.add(limit - 1);
        if (end != null) {
            params.addAll(List.of(end));
        }
        if (from != null) {
            params.addAll(List.of(from));
        }
        return params.toArray();
    }

    /**
     * The source's largest key now, as text (no row when it is empty). Taken once capture records every write,
     * it ends the copy: a row past it was written later, so the change log has its key, and the copy need not
     * chase the rows the application keeps inserting.
     */
    public String endKey() {
        String desc = key().stream().map(k -> "s." + quote(k) + " DESC").collect(Collectors.joining(", "));
        return "SELECT " + key().stream().map(k -> "s." + quote(k) + "::text").collect(Collectors.joining(", "))
                + " FROM " + src() + " s ORDER BY " + desc + " LIMIT 1";
    }

    /** The same chunk as a plain INSERT, for finding the row that makes a chunk fail. */
    public String copyRows(boolean first) {
        String where = first ? "" : " WHERE " + row(null) + " > (" + keyParams() + ")";
        return insertInto() + " SELECT " + copiedExpressions() + " FROM (SELECT * FROM " + src() + where
                + " ORDER BY " + Identifiers.list(key()) + " LIMIT ? OFFSET ?) chunk";
    }

    /** The key and whole row at an offset past the given key, to name the row a transformation failed on. */
    public String describeRow(boolean first) {
        String where = first ? "" : " WHERE " + row(null) + " > (" + keyParams() + ")";
        String keyText = key().stream().map(k -> "'" + k.replace("'", "''") + "=' || " + quote(k) + "::text")
                .collect(Collectors.joining(" || ', ' || "));
        return "SELECT " + keyText + ", s::text FROM " + src() + " s" + where + " ORDER BY " + Identifiers.list(key())
                + " LIMIT 1 OFFSET ?";
    }

    // ---- replay ---------------------------------------------------------------------------------------------

    public String readLogBatch() {
        return "SELECT " + quote(LOG_ID) + ", " + quote(LOG_OP) + " = 'T' FROM " + capture.log()
                + " ORDER BY " + quote(LOG_ID) + " LIMIT ?";
    }

    /** The target key computed from source key columns, unqualified: it reads whichever relation is in scope. */
    private String mappedKey() {
        return mapping.targetKeyTargets().stream().map(ColumnMapping.Target::typedExpression)
                .collect(Collectors.joining(", "));
    }

    private String targetKeyRow(String prefix) {
        return "(" + Identifiers.list(prefix, mapping.targetKey()) + ")";
    }

    /**
     * Deletes the target rows of every logged key, before {@link #resyncUpsert} inserts the source's current rows:
     * delete-then-insert never trips a secondary unique or exclusion index when logged rows swap or move values
     * (an upsert row by row would), and it writes the key as the source spells it. When rows are updated in place
     * instead, only rows whose key is gone from the source. Parameter: the log ids (bigint[]).
     */
    public String resyncDelete() {
        return "DELETE FROM " + target + " t USING (SELECT DISTINCT " + mappedKey() + " FROM "
                + capture.log() + " l WHERE l." + quote(LOG_ID) + " = ANY(?) AND l." + quote(LOG_OP) + " <> 'T'"
                + (replaceRows ? "" : " AND NOT EXISTS (SELECT 1 FROM " + src() + " s WHERE " + row("s") + " = "
                + row("l") + ")") + ") d (" + Identifiers.list(mapping.targetKey()) + ") WHERE " + targetKeyRow("t")
                + " = " + targetKeyRow("d");
    }

    /** After a TRUNCATE: deletes every shadow row whose key is gone from the source. */
    public String resyncAll() {
        return "DELETE FROM " + target + " t WHERE NOT EXISTS (SELECT 1 FROM " + src() + " s WHERE "
                + targetKeyRow("t") + " = (" + mappedKey() + "))";
    }

    /** Upserts the logged keys' current source rows. Parameter: the log ids (bigint[]). */
    public String resyncUpsert() {
        List<String> updates = new ArrayList<>();
        for (ColumnMapping.Target t : mapping.copied()) {
            if (!mapping.targetKey().contains(t.name())) {
                updates.add(quote(t.name()) + " = EXCLUDED." + quote(t.name()));
            }
        }
        return insertInto() + " SELECT " + copiedExpressions() + " FROM " + src() + " WHERE " + row(null)
                + " IN (SELECT " + keyList("l") + " FROM " + capture.log() + " l WHERE l." + quote(LOG_ID)
                + " = ANY(?) AND l." + quote(LOG_OP) + " <> 'T') ON CONFLICT (" + Identifiers.list(mapping.targetKey())
                + ") DO " + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", updates));
    }

    /**
     * For a revert: the first logged key whose current row fails one of the inverse's round-trip checks (a value the
     * old type cannot hold), as text. Parameter: the log ids (bigint[]). A check may itself raise a data error (an
     * overflow in the cast back); run it for one id at a time to find that key.
     */
    public String lossyKey(List<String> checks) {
        return "SELECT ROW(" + keyList(null) + ")::text FROM " + src() + " WHERE " + row(null) + " IN (SELECT "
                + keyList("l") + " FROM " + capture.log() + " l WHERE l." + quote(LOG_ID) + " = ANY(?) AND l."
                + quote(LOG_OP) + " <> 'T') AND NOT (" + String.join(" AND ", checks) + ") LIMIT 1";
    }

    /** A logged key as text. Parameter: its log id. */
    public String loggedKey() {
        return "SELECT ROW(" + keyList("l") + ")::text FROM " + capture.log() + " l WHERE l." + quote(LOG_ID) + " = ?";
    }

    public String deleteLogEntries() {
        return "DELETE FROM " + capture.log() + " WHERE " + quote(LOG_ID) + " = ANY(?)";
    }

    // ---- verify ---------------------------------------------------------------------------------------------

    /**
     * How rows are hashed for verification. BINARY uses the types' own hash functions and is about twice as fast;
     * TEXT hashes the rows' text form and works for every type, including those without a hash function.
     */
    public enum Digest {
        BINARY, TEXT
    }

    private static String hashRow(Digest digest, String values) {
        return digest == Digest.BINARY ? "hash_record_extended(ROW(" + values + "), 0)"
                : "hashtextextended(ROW(" + values + ")::text, 0)";
    }

    /**
     * The target's columns whose equal values can differ in bytes (numeric 1.0 and 1.00, citext, a
     * nondeterministic collation, float's -0, interval): their type's default btree operator class does not promise
     * "equal means identical" (support function 4, as for index deduplication). Their type's hash cannot see a
     * respelled value, so BINARY digests hash their text form instead.
     */
    public String spelledColumns() {
        return "SELECT a.attname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation WHERE a.attrelid = "
                + Identifiers.literal(target) + "::regclass AND a.attnum > 0 AND NOT a.attisdropped AND NOT EXISTS ("
                + "SELECT 1 FROM pg_opclass c JOIN pg_am m ON m.oid = c.opcmethod AND m.amname = 'btree'"
                + " JOIN pg_amproc p ON p.amprocfamily = c.opcfamily AND p.amproclefttype = c.opcintype"
                + " AND p.amprocrighttype = c.opcintype AND p.amprocnum = 4 WHERE c.opcdefault"
                + " AND (c.opcintype = coalesce(nullif(t.typbasetype, 0), t.oid) OR (c.opcintype = 'pg_catalog.text'"
                + "::regtype AND coalesce(nullif(t.typbasetype, 0), t.oid) = 'pg_catalog.varchar'::regtype))"
                + " AND (p.amproc = 'pg_catalog.btequalimage'::regproc OR (p.amproc = 'pg_catalog.btvarstrequalimage'"
                + "::regproc AND coalesce(co.collisdeterministic, true))))";
    }

    private static String spelled(String value, String column, Set<String> spelled) {
        return spelled.contains(column) ? "(" + value + ")::text" : value;
    }

    /**
     * The target key's own hash function, schema and name, when the key is one column whose type has one in its
     * default hash operator class, declared for exactly that type (so it can be called by name); no row for other
     * keys. Parameter: the key column's name.
     */
    public String keyHashFunction() {
        return "SELECT n.nspname, p.proname FROM pg_attribute a JOIN pg_opclass c ON c.opcintype = a.atttypid"
                + " AND c.opcdefault JOIN pg_am m ON m.oid = c.opcmethod AND m.amname = 'hash' JOIN pg_amproc h"
                + " ON h.amprocfamily = c.opcfamily AND h.amproclefttype = c.opcintype AND h.amprocrighttype ="
                + " c.opcintype AND h.amprocnum = 1 JOIN pg_proc p ON p.oid = h.amproc AND p.proargtypes[0] ="
                + " c.opcintype JOIN pg_namespace n ON n.oid ="
                + " p.pronamespace WHERE a.attrelid = " + Identifiers.literal(target) + "::regclass AND a.attname = ?"
                + " AND NOT a.attisdropped";
    }

    /** The target key's single column, or null for a key of several columns. */
    public String singleTargetKey() {
        return mapping.targetKey().size() == 1 ? mapping.targetKey().get(0) : null;
    }

    /**
     * A row's bucket, from its key. {@code keyHash} is the key type's own hash function (qualified and quoted), or
     * null to hash the key as a record: building that record cost as much as hashing the whole row.
     */
    private static String bucket(Digest digest, String keyHash, String keyValues, int buckets) {
        String hash = keyHash != null ? keyHash + "(" + keyValues + ")"
                : digest == Digest.BINARY ? "hash_record(ROW(" + keyValues + "))"
                : "hashtext(ROW(" + keyValues + ")::text)";
        return "(" + hash + " & 2147483647) % " + buckets;
    }

    /** Which of a side's rows a digest reads, by whether the change log holds their key. */
    public enum Rows {
        ALL(""), SETTLED(" WHERE NOT EXISTS "), PENDING(" WHERE EXISTS ");

        private final String filter;

        Rows(String filter) {
            this.filter = filter;
        }
    }

    /**
     * One side's rows: row hash, then (with {@code buckets}, to find which keys differ) bucket and the key as
     * text.
     */
    private String side(boolean sourceSide, Digest digest, String keyHash, int buckets, Set<String> byText,
                        Rows rows) {
        if (sourceSide) {
            String values = mapping.copied().stream().map(t -> spelled(t.typedExpression(), t.name(), byText))
                    .collect(Collectors.joining(", "));
            return "SELECT " + hashRow(digest, values) + " AS h" + bucketed(digest, keyHash, mappedKey(), buckets)
                    + leaf("s", partitions, buckets) + " FROM " + src() + " s" + (rows == Rows.ALL ? "" : rows.filter + "(SELECT 1 FROM "
                    + capture.log() + " l WHERE " + row("l") + " = " + row("s") + ")");
        }
        String values = mapping.copied().stream()
                .map(t -> spelled("t." + quote(t.name()), t.name(), byText)).collect(Collectors.joining(", "));
        String key = Identifiers.list("t", mapping.targetKey());
        return "SELECT " + hashRow(digest, values) + " AS h" + bucketed(digest, keyHash, key, buckets)
                + leaf("t", targetPartitions, buckets) + " FROM " + target + " t" + (rows == Rows.ALL ? "" : rows.filter + "(SELECT 1 FROM " + capture.log()
                + " l WHERE " + targetKeyRow("t") + " = (" + mappedKey() + "))");
    }

    /** With the buckets, for naming a differing key: the leaf a partitioned side's row is in (p), else null. */
    private static String leaf(String alias, PartitionTree tree, int buckets) {
        return buckets == 0 ? "" : tree.partitioned() ? ", " + alias + ".tableoid AS p" : ", NULL::oid AS p";
    }

    private static String bucketed(Digest digest, String keyHash, String keyValues, int buckets) {
        return buckets == 0 ? "" : ", " + bucket(digest, keyHash, keyValues, buckets) + " AS b, ROW(" + keyValues
                + ")::text AS k";
    }

    /**
     * A side's row count and sum of row hashes, in one scan with no grouping: grouping every row into buckets by a
     * hash of its key costs more than hashing the rows. {@link #digest} finds the differing buckets once the sums
     * differ. {@code byText}: the {@link #spelledColumns()}, hashed by their text form.
     */
    public String total(boolean sourceSide, Digest digest, Set<String> byText, Rows rows) {
        return "SELECT count(*), coalesce(sum(h), 0)::text FROM (" + side(sourceSide, digest, null, 0, byText, rows)
                + ") x";
    }

    /**
     * Per-bucket row counts and digests, buckets by a hash of the target key: where the {@link #total}s differ,
     * which buckets do. {@code byText}: the {@link #spelledColumns()}, hashed by their text form. The digest of
     * every row less the digest of the rows whose key is pending is the digest of the settled rows, without testing
     * each row against the log.
     */
    public String digest(boolean sourceSide, Digest digest, String keyHash, int buckets, Set<String> byText,
                         Rows rows) {
        return "SELECT b, count(*), sum(h)::text FROM (" + side(sourceSide, digest, keyHash, buckets, byText, rows)
                + ") x GROUP BY b";
    }

    /**
     * {@link #total} of every row in a range of the side's blocks, read by a TID range scan: a paced verification
     * reads a side range by range in one snapshot. Parameters: the first block's and the end block's tids.
     */
    public String totalOfBlocks(boolean sourceSide, Digest digest, Set<String> byText) {
        String alias = sourceSide ? "s" : "t";
        return "SELECT count(*), coalesce(sum(h), 0)::text FROM (" + side(sourceSide, digest, null, 0, byText,
                Rows.ALL) + " WHERE " + alias + ".ctid >= CAST(? AS tid) AND " + alias + ".ctid < CAST(? AS tid)) x";
    }

    /**
     * A side's rows per block as the planner last counted them; 50 (rows of 150 bytes) when never counted. For a
     * partitioned side, the rows of one block number across all its leaves (a TID range reads it in each).
     */
    public String rowsPerBlock(boolean sourceSide) {
        return "SELECT CASE WHEN max(relpages) > 0 AND sum(greatest(reltuples, 0)) > 0 THEN (sum(greatest(reltuples,"
                + " 0)) / max(relpages))::bigint ELSE 50 END FROM pg_class WHERE oid IN " + heaps(sourceSide);
    }

    /**
     * The blocks of a side's relation now, of its largest leaf when partitioned (a TID range reads the same block
     * numbers in every leaf); a snapshot taken before sees no row past them.
     */
    public String blocks(boolean sourceSide) {
        return "SELECT coalesce(max(pg_relation_size(oid)), 0) / current_setting('block_size')::bigint FROM pg_class"
                + " WHERE oid IN " + heaps(sourceSide);
    }

    /** The relations that hold a side's rows: the table itself, or its leaves. */
    private String heaps(boolean sourceSide) {
        String side = Identifiers.literal(sourceSide ? src() : target);
        return (sourceSide ? partitions : targetPartitions).partitioned()
                ? "(SELECT relid FROM pg_partition_tree(" + side + "::regclass) WHERE isleaf)"
                : "(" + side + "::regclass)";
    }

    /**
     * Keys that differ in the given buckets (int[] parameter, twice), at most {@code limit}: the key, whether it is
     * only in the target, only in the source, and the leaf it is in (the source's, else the target's; null for plain
     * tables).
     */
    public String differingKeys(Digest digest, String keyHash, int buckets, int limit, Set<String> byText) {
        return "SELECT coalesce(s.k, t.k), s.k IS NULL, t.k IS NULL, (SELECT n.nspname || '.' || c.relname"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = coalesce(s.p, t.p))"
                + " FROM (SELECT * FROM ("
                + side(true, digest, keyHash, buckets, byText, Rows.SETTLED) + ") x WHERE b = ANY(?)) s FULL JOIN"
                + " (SELECT * FROM (" + side(false, digest, keyHash, buckets, byText, Rows.SETTLED)
                + ") y WHERE b = ANY(?)) t ON s.k = t.k"
                + " WHERE s.h IS DISTINCT FROM t.h LIMIT " + limit;
    }
}
