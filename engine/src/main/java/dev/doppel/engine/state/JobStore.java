package dev.doppel.engine.state;

import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.List;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * A data job's own state beside its row in {@code doppel.migrations} (which holds its checkpoint, rows changed,
 * phase, outcome and the operator's controls, as for a migration, with capture {@value #CAPTURE}): what it
 * changes, the key its batches walk, and the keys examined so far. Each batch updates both rows in its own
 * transaction, so a batch and its checkpoint commit together.
 */
public final class JobStore {

    /** The capture column's value that marks a row of {@code doppel.migrations} as a data job. */
    public static final String CAPTURE = "job";

    private static final String JOBS = quote(ObjectNames.SCHEMA) + ".jobs";
    private static final String MIGRATIONS = quote(ObjectNames.SCHEMA) + ".migrations";

    /**
     * A job as recorded.
     *
     * @param kind   "update", "delete" or "move"
     * @param where  the predicate; "true" when the job was given none
     * @param into   the archive table of a move, as SQL names it; null otherwise
     */
    public record Job(long id, String kind, String tableSql, String set, String where, String into,
                      List<String> key, List<String> keyTypes, long rowsExamined, long batches, int vacuumEvery) {
    }

    private final Session session;

    public JobStore(Session session) {
        this.session = session;
    }

    /** Creates the jobs table; the migrations table it references must exist ({@link MigrationStore#ensureSchema}). */
    public void ensureSchema() throws SQLException {
        session.transaction(s -> {
            s.execute("SELECT pg_advisory_xact_lock(6582128)");
            s.execute("CREATE TABLE IF NOT EXISTS " + JOBS + " (migration_id bigint PRIMARY KEY REFERENCES "
                    + MIGRATIONS + " ON DELETE CASCADE, kind text NOT NULL, table_sql text NOT NULL, set_list text,"
                    + " predicate text NOT NULL, into_table text, key text[] NOT NULL, key_types text[] NOT NULL,"
                    + " rows_examined bigint NOT NULL DEFAULT 0, batches bigint NOT NULL DEFAULT 0,"
                    + " vacuum_every int NOT NULL DEFAULT 0)");
            return null;
        });
    }

    public void create(Job job) throws SQLException {
        session.update("INSERT INTO " + JOBS + " (migration_id, kind, table_sql, set_list, predicate, into_table, key,"
                        + " key_types, vacuum_every) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", job.id(), job.kind(),
                job.tableSql(), job.set(), job.where(), job.into(), job.key().toArray(String[]::new),
                job.keyTypes().toArray(String[]::new), job.vacuumEvery());
    }

    /** The job with this id, or null when there is none (no doppel state, or the id is a schema migration's). */
    public Job load(long id) throws SQLException {
        if (!session.exists(JOBS)) {
            return null;
        }
        return session.one("SELECT migration_id, kind, table_sql, set_list, predicate, into_table, key, key_types,"
                + " rows_examined, batches, vacuum_every FROM " + JOBS + " WHERE migration_id = ?",
                rs -> new Job(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), Session.strings(rs.getArray(7)), Session.strings(rs.getArray(8)),
                        rs.getLong(9), rs.getLong(10), rs.getInt(11)), id);
    }

    /** Run in each batch's transaction, beside {@link MigrationStore#checkpointSql()}. Parameters: keys examined, id. */
    public static String batchSql() {
        return "UPDATE " + JOBS + " SET rows_examined = rows_examined + ?, batches = batches + 1 WHERE migration_id = ?";
    }
}
