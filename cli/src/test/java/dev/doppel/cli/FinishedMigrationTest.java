package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A migration that swapped, its old table kept, can be neither aborted nor resumed, and trying changes nothing. */
@PostgresTest
class FinishedMigrationTest {

    private static String id;

    @BeforeAll
    static void finishedMigration(TestDatabase db) {
        Tables.orders(db, "orders", 200);
        Cli run = Cli.against(db, "run", "--table", "orders", "--alter", Tables.TO_CENTS);
        assertEquals(0, run.exitCode(), run::toString);
        id = String.valueOf(Tables.migrationOf(db, "orders"));
    }

    @Test
    void abortIsRefusedAsAlreadySwapped(TestDatabase db) {
        Cli cli = Cli.against(db, "abort", id);
        assertEquals(Cli.exitFor("already_swapped"), cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("(already_swapped)") && cli.err().contains("migration " + id), cli::toString);
        assertEquals("bigint", Tables.type(db, "orders", "total"));
        assertEquals("succeeded", db.scalar("SELECT outcome FROM doppel.migrations WHERE id = " + id));
    }

    @Test
    void resumeIsRefusedAsNotResumable(TestDatabase db) {
        Cli cli = Cli.against(db, "resume", id, "--json");
        assertEquals(Cli.exitFor("not_resumable"), cli.exitCode(), cli::toString);
        assertEquals("not_resumable", JsonField.at(db, cli.out().strip(), "{reason}"));
        assertTrue(JsonField.at(db, cli.out().strip(), "{error}").contains("already succeeded"), cli::toString);
    }

    @Test
    void unknownIdIsNamed(TestDatabase db) {
        for (String command : new String[] {"abort", "resume"}) {
            Cli cli = Cli.against(db, command, "999");
            assertEquals(Cli.exitFor("migration_not_found"), cli.exitCode(), cli::toString);
            assertTrue(cli.err().contains("there is no migration 999"), cli::toString);
        }
    }
}
