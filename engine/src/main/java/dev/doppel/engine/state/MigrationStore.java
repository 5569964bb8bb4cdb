package dev.doppel.engine.state;

import dev.doppel.engine.Phase;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The {@code doppel.migrations} table: one row per migration with its phase, copy checkpoint and outcome, and a
 * history of phase events. The copy checkpoint is written in the same transaction as the chunk it describes.
 */
public final class MigrationStore {

    private static final String MIGRATIONS = quote(ObjectNames.SCHEMA) + ".migrations";
    private static final String EVENTS = quote(ObjectNames.SCHEMA) + ".migration_events";

    private final Session session;

    public MigrationStore(Session session) {
        this.session = session;
    }

    public void ensureSchema() throws SQLException {
        session.transaction(s -> {
            // Two first runs at once would race on CREATE ... IF NOT EXISTS; serialise them.
            s.execute("SELECT pg_advisory_xact_lock(6582128)");
            s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(ObjectNames.SCHEMA));
            s.execute("CREATE TABLE IF NOT EXISTS " + MIGRATIONS + " (id bigserial PRIMARY KEY, table_oid oid NOT NULL,"
                    + " table_name text NOT NULL, change text NOT NULL, change_hash text NOT NULL,"
                    + " options text NOT NULL, phase text NOT NULL, checkpoint text[], rows_copied bigint NOT NULL DEFAULT 0,"
                    + " started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),"
                    + " finished_at timestamptz, outcome text, error text, old_table text, drop_after timestamptz,"
                    + " doppel_version text NOT NULL, pid int NOT NULL DEFAULT pg_backend_pid())");
            s.execute("CREATE TABLE IF NOT EXISTS " + EVENTS + " (migration_id bigint NOT NULL REFERENCES " + MIGRATIONS
                    + " ON DELETE CASCADE, at timestamptz NOT NULL DEFAULT clock_timestamp(), phase text NOT NULL,"
                    + " message text)");
            return null;
        });
    }

    public long start(TableInfo table, String change, String changeHash, String options, String version)
            throws SQLException {
        long id = session.number("INSERT INTO " + MIGRATIONS + " (table_oid, table_name, change, change_hash, options,"
                        + " phase, doppel_version) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", table.oid(), table.display(),
                change, changeHash, options, Phase.PREFLIGHT.name(), version);
        event(id, Phase.PREFLIGHT, "started on " + table.display());
        return id;
    }

    public void phase(long id, Phase phase, String message) throws SQLException {
        session.update("UPDATE " + MIGRATIONS + " SET phase = ?, updated_at = now() WHERE id = ?", phase.name(), id);
        event(id, phase, message);
    }

    private void event(long id, Phase phase, String message) throws SQLException {
        session.update("INSERT INTO " + EVENTS + " (migration_id, phase, message) VALUES (?, ?, ?)", id, phase.name(),
                message);
    }

    /** The checkpoint update a copy chunk runs in its own transaction. Parameters: key (text[]), rows, id. */
    public static String checkpointSql() {
        return "UPDATE " + MIGRATIONS + " SET checkpoint = ?, rows_copied = rows_copied + ?, updated_at = now()"
                + " WHERE id = ?";
    }

    public void finish(long id, String outcome, String error, String oldTable, Instant dropAfter) throws SQLException {
        Phase phase = error == null ? Phase.DONE : Phase.FAILED;
        session.update("UPDATE " + MIGRATIONS + " SET phase = ?, outcome = ?, error = ?, old_table = ?, drop_after = ?,"
                        + " finished_at = now(), updated_at = now() WHERE id = ?", phase.name(), outcome, error, oldTable,
                dropAfter == null ? null : Timestamp.from(dropAfter), id);
        event(id, phase, error == null ? outcome : error);
    }
}
