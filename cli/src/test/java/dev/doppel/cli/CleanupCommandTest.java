package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class CleanupCommandTest {

    @Test
    void dropsAnOldTableWhoseTimeIsUp(TestDatabase db) {
        Tables.orders(db, "orders_expired", 200);
        Cli run = Cli.against(db, "run", "--table", "orders_expired", "--alter", Tables.TO_CENTS);
        assertEquals(0, run.exitCode(), run::toString);
        long id = Tables.migrationOf(db, "orders_expired");
        String old = db.scalar("SELECT old_table FROM doppel.migrations WHERE id = " + id);

        Cli early = Cli.against(db, "cleanup");
        assertEquals(0, early.exitCode(), early::toString);
        assertEquals(1, db.count("SELECT count(to_regclass('" + old + "'))"), "kept for --keep-old");

        db.execute("UPDATE doppel.migrations SET drop_after = now() - interval '1 minute' WHERE id = " + id);
        Cli cli = Cli.against(db, "cleanup", "--json");
        assertEquals(0, cli.exitCode(), cli::toString);
        String json = cli.out().strip();
        assertTrue(JsonField.at(db, json, "{0}").startsWith("dropped " + old), json);
        assertNull(JsonField.at(db, json, "{1}"), json);
        assertEquals(0, db.count("SELECT count(to_regclass('" + old + "'))"));
        assertNull(db.scalar("SELECT old_table FROM doppel.migrations WHERE id = " + id));
    }

    @Test
    void saysWhenThereIsNothingToDo(TestDatabase db) {
        Cli cli = Cli.against(db, "cleanup");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals("nothing to clean up\n", cli.out(), cli::toString);
    }
}
