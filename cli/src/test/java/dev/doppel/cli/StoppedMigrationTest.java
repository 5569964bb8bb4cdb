package dev.doppel.cli;

import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A migration that stopped at the cut-over: shown as stopped, held as running, then aborted or resumed. */
@PostgresTest
class StoppedMigrationTest {

    /**
     * Runs the change while an open transaction holds ACCESS SHARE on the table, as any that has read it does: the
     * capture trigger's SHARE ROW EXCLUSIVE does not conflict with it, the cut-over's ACCESS EXCLUSIVE does.
     */
    private static String stopAtCutOver(TestDatabase db, String table) throws SQLException {
        Tables.orders(db, table, 300);
        try (Connection reader = db.connect(); Statement s = reader.createStatement()) {
            reader.setAutoCommit(false);
            s.execute("LOCK TABLE " + table + " IN ACCESS SHARE MODE");
            Cli run = Cli.against(db, "run", "--table", table, "--alter", Tables.TO_CENTS, "--lock-timeout", "50ms",
                    "--lock-attempts", "2", "--json");
            assertEquals(Cli.exitFor("stopped"), run.exitCode(), run::toString);
            assertEquals("stopped", JsonField.at(db, run.out().strip(), "{reason}"));
            reader.rollback();
        }
        return String.valueOf(Tables.migrationOf(db, table));
    }

    @Test
    void abortRemovesEverythingDoppelCreated(TestDatabase db) throws SQLException {
        String id = stopAtCutOver(db, "orders_aborted");

        Cli status = Cli.against(db, "status", id);
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.out().contains("state          stopped: no doppel process holds it"), status::toString);
        assertTrue(status.out().contains("phase          cutover\n"), status::toString);
        assertTrue(status.out().contains("error          ") && status.out().contains("could not take the lock"),
                status::toString);
        Cli list = Cli.against(db, "status");
        assertTrue(list.out().contains(" stopped ") && list.out().contains("error: "), list::toString);

        Cli cleanup = Cli.against(db, "cleanup");
        assertTrue(cleanup.out().contains("`doppel resume " + id + "` or `doppel abort " + id + "`"),
                cleanup::toString);

        Cli abort = Cli.against(db, "abort", id);
        assertEquals(0, abort.exitCode(), abort::toString);
        assertTrue(abort.out().startsWith("migration " + id + " of public.orders_aborted is aborted"),
                abort::toString);
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'orders_aborted'::regclass"
                + " AND NOT tgisinternal"));
        long oid = db.count("SELECT 'orders_aborted'::regclass::oid");
        assertEquals(0, db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'doppel'"
                + " AND tablename IN ('shadow_" + oid + "', 'log_" + oid + "')"));
        assertEquals("numeric(12,2)", Tables.type(db, "orders_aborted", "total"));
        assertEquals("aborted", JsonField.at(db, Cli.against(db, "status", id, "--json").out().strip(), "{state}"));
    }

    @Test
    void aMigrationHeldByAnotherProcessIsRunningAndCannotBeAborted(TestDatabase db) throws SQLException {
        String id = stopAtCutOver(db, "orders_held");
        long oid = db.count("SELECT table_oid FROM doppel.migrations WHERE id = " + id);
        try (Connection holder = db.connect(); Statement s = holder.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + new ObjectNames(oid).advisoryKey() + ")");

            Cli status = Cli.against(db, "status", "--json");
            assertEquals("running", JsonField.at(db, status.out().strip(), "{0,state}"), status::toString);

            Cli abort = Cli.against(db, "abort", id);
            assertEquals(Cli.exitFor("already_running"), abort.exitCode(), abort::toString);
            assertTrue(abort.err().contains("(already_running)"), abort::toString);
        }
        assertTrue(db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'orders_held'::regclass"
                + " AND NOT tgisinternal") > 0, "a refused abort leaves the capture trigger");
        Cli abort = Cli.against(db, "abort", id, "--json");
        assertEquals(0, abort.exitCode(), abort::toString);
        assertEquals("aborted", JsonField.at(db, abort.out().strip(), "{outcome}"));
    }

    @Test
    void resumeFinishesIt(TestDatabase db) throws SQLException {
        String id = stopAtCutOver(db, "orders_resumed");

        Cli resume = Cli.against(db, "resume", id, "--drop-old");
        assertEquals(0, resume.exitCode(), resume::toString);
        assertTrue(resume.out().contains("outcome        succeeded (migration " + id + " of public.orders_resumed)"),
                resume::toString);
        assertTrue(resume.out().contains("verified       NO, not in this resume"), resume::toString);
        assertTrue(resume.out().contains("old table      dropped"), resume::toString);
        assertEquals("bigint", Tables.type(db, "orders_resumed", "total"));
        assertEquals(300, db.count("SELECT count(*) FROM orders_resumed"));
    }
}
