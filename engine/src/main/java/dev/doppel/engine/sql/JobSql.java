package dev.doppel.engine.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * Every statement a data job runs, generated in one place from the table, its key and the job's change. User text
 * enters only as the job's SET list and predicate, each on lines of its own (so a trailing comment ends there),
 * the predicate in parentheses; PostgreSQL checks both before the job changes anything.
 */
public final class JobSql {

    private final String table;
    private final List<String> key;
    private final List<String> keyTypes;
    private final String where;
    /** The data-modifying step over the batch's key range: {@code head}, the range and predicate, {@code tail}. */
    private final String head;
    private final String tail;
    /** A move's step is two: the delete ("moved") feeds the insert ("changed"). */
    private final boolean moves;

    private JobSql(String table, List<String> key, List<String> keyTypes, String where, String head, String tail,
                   boolean moves) {
        this.table = table;
        this.key = List.copyOf(key);
        this.keyTypes = List.copyOf(keyTypes);
        this.where = where;
        this.head = head;
        this.tail = tail;
        this.moves = moves;
    }

    /** {@code UPDATE table SET <set> WHERE <range> AND (<where>)}. */
    public static JobSql update(String table, List<String> key, List<String> keyTypes, String set, String where) {
        return new JobSql(table, key, keyTypes, where, "UPDATE " + table + " SET\n" + set + "\nWHERE ", " RETURNING 1",
                false);
    }

    /** {@code DELETE FROM table WHERE <range> AND (<where>)}. */
    public static JobSql delete(String table, List<String> key, List<String> keyTypes, String where) {
        return new JobSql(table, key, keyTypes, where, "DELETE FROM " + table + " WHERE ", " RETURNING 1", false);
    }

    /**
     * The rows deleted from the table are inserted into the archive by the same statement: a row is moved exactly
     * when it is deleted. {@code columns} are the ones the archive takes (its generated columns compute their own).
     */
    public static JobSql move(String table, List<String> key, List<String> keyTypes, String where, String archive,
                              List<String> columns, boolean overridingSystemValue) {
        String cols = Identifiers.list(columns);
        return new JobSql(table, key, keyTypes, where, "DELETE FROM " + table + " WHERE ", " RETURNING " + cols
                + "), changed AS (INSERT INTO " + archive + " (" + cols + ")"
                + (overridingSystemValue ? " OVERRIDING SYSTEM VALUE" : "") + " SELECT " + cols + " FROM moved"
                + " RETURNING 1", true);
    }

    private String keyList() {
        return Identifiers.list(key);
    }

    private String keyParams() {
        return IntStream.range(0, key.size()).mapToObj(i -> "CAST(? AS " + keyTypes.get(i) + ")")
                .collect(Collectors.joining(", "));
    }

    private String predicate() {
        return "(\n" + where + "\n)";
    }

    /**
     * One batch: the next {@code limit} keys after the given one (from the start when {@code first}), and no
     * further than the end key when {@code capped}, fix the range, and the change applies to the rows in it that
     * match the predicate now; it returns the keys examined, the rows changed and the range's last key as text (no
     * row: nothing is left past the key). Parameters: the previous key's columns (unless first), the end key's
     * columns (when capped), then the limit.
     */
    public String batch(boolean first, boolean capped) {
        List<String> bounds = new ArrayList<>();
        if (!first) {
            bounds.add("(" + keyList() + ") > (" + keyParams() + ")");
        }
        if (capped) {
            bounds.add("(" + keyList() + ") <= (" + keyParams() + ")");
        }
        String within = bounds.isEmpty() ? "" : " WHERE " + String.join(" AND ", bounds);
        String desc = key.stream().map(k -> quote(k) + " DESC").collect(Collectors.joining(", "));
        String lastKey = key.stream().map(k -> "last." + quote(k) + "::text").collect(Collectors.joining(", "));
        String range = "(" + keyList() + ") >= (SELECT " + keyList() + " FROM range ORDER BY " + keyList()
                + " LIMIT 1) AND (" + keyList() + ") <= (SELECT " + keyList() + " FROM last) AND " + predicate();
        return "WITH range AS MATERIALIZED (SELECT " + keyList() + " FROM " + table + within + " ORDER BY " + keyList()
                + " LIMIT ?), last AS (SELECT " + keyList() + " FROM range ORDER BY " + desc + " LIMIT 1), "
                + (moves ? "moved" : "changed") + " AS (" + head + range + tail + ")"
                + " SELECT (SELECT count(*) FROM range), (SELECT count(*) FROM changed), " + lastKey + " FROM last";
    }

    /**
     * The table's largest key now, as text (no row when the table is empty): a run walks no further, so that rows
     * the application keeps inserting past it cannot keep the job going forever.
     */
    public String endKey() {
        // Qualified, so ORDER BY reads the key and not the same-named text output column.
        String desc = key.stream().map(k -> "t." + quote(k) + " DESC").collect(Collectors.joining(", "));
        return "SELECT " + key.stream().map(k -> "t." + quote(k) + "::text").collect(Collectors.joining(", "))
                + " FROM " + table + " t ORDER BY " + desc + " LIMIT 1";
    }

    /** The rows that match now, counted exactly (a full scan unless an index serves the predicate). */
    public String count() {
        return "SELECT count(*) FROM " + table + " WHERE " + predicate();
    }

    /** The planner's view of the rows that match; the first line's {@code rows=} is its estimate. */
    public String estimate() {
        return "EXPLAIN SELECT 1 FROM " + table + " WHERE " + predicate();
    }

    /** The plan of a first batch without running it: PostgreSQL parses and checks the change. Parameter: limit. */
    public String explainBatch() {
        return "EXPLAIN " + batch(true, false);
    }

    /** Reclaims the dead rows the job left, between batches. */
    public String vacuum() {
        return "VACUUM " + table;
    }

    /** Triggers that fire on the table for an event: {@code tgtype} bit 4 INSERT, 8 DELETE, 16 UPDATE. */
    public static String triggers() {
        return "SELECT tgname::text, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = ? AND NOT tgisinternal"
                + " AND tgenabled <> 'D' AND (tgtype & ?) <> 0 ORDER BY tgname";
    }

    /**
     * Foreign keys of other tables that reference this one: the referencing table, the constraint, its ON DELETE
     * and ON UPDATE actions (a: no action, r: restrict, c: cascade, n: set null, d: set default) and the
     * referenced columns.
     */
    public static String referencingKeys() {
        return "SELECT c.conrelid::regclass::text, c.conname::text, c.confdeltype::text, c.confupdtype::text,"
                + " ARRAY(SELECT a.attname::text FROM unnest(c.confkey) k(n) JOIN pg_attribute a"
                + " ON a.attrelid = c.confrelid AND a.attnum = k.n) FROM pg_constraint c WHERE c.contype = 'f'"
                + " AND c.confrelid = ? ORDER BY 1, 2";
    }

    /** Where the server's WAL insert position is now, in bytes: the sample's WAL is the difference. */
    public static String walPosition() {
        return "SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn";
    }
}
