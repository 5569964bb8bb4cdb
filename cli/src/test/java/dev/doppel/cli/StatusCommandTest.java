package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class StatusCommandTest {

    private static long id;

    @BeforeAll
    static void finishedMigration(TestDatabase db) {
        Tables.orders(db, "orders", 500);
        Cli run = Cli.against(db, "run", "--table", "orders", "--alter", Tables.TO_CENTS);
        assertEquals(0, run.exitCode(), run::toString);
        id = Tables.migrationOf(db, "orders");
    }

    @Test
    void listsTheFinishedMigration(TestDatabase db) {
        Cli cli = Cli.against(db, "status");
        assertEquals(0, cli.exitCode(), cli::toString);
        String[] lines = cli.out().split("\n");
        assertTrue(lines[0].startsWith("ID  TABLE"), cli::toString);
        assertTrue(lines[1].matches(id + " +public\\.orders +done +succeeded +500 +.*"), cli::toString);
        assertTrue(lines[1].contains(db.scalar("SELECT old_table FROM doppel.migrations WHERE id = " + id)),
                cli::toString);
    }

    @Test
    void listsAsAJsonArray(TestDatabase db) {
        Cli cli = Cli.against(db, "status", "--json");
        assertEquals(0, cli.exitCode(), cli::toString);
        String json = cli.out().strip();
        assertTrue(json.startsWith("["), json);
        assertEquals(String.valueOf(id), JsonField.at(db, json, "{0,id}"));
        assertEquals("public.orders", JsonField.at(db, json, "{0,table}"));
        assertEquals("succeeded", JsonField.at(db, json, "{0,state}"));
        assertEquals("done", JsonField.at(db, json, "{0,phase}"));
        assertEquals("500", JsonField.at(db, json, "{0,rows_copied}"));
        assertNotNull(JsonField.at(db, json, "{0,old_table}"), json);
        assertNotNull(JsonField.at(db, json, "{0,drop_after}"), json);
        assertNull(JsonField.at(db, json, "{0,error}"), json);
        assertNull(JsonField.at(db, json, "{1}"), json);
    }

    @Test
    void showsOneInDetail(TestDatabase db) {
        Cli text = Cli.against(db, "status", String.valueOf(id));
        assertEquals(0, text.exitCode(), text::toString);
        assertTrue(text.out().startsWith("migration      " + id + " of public.orders\n"), text::toString);
        assertTrue(text.out().contains("state          succeeded\n"), text::toString);
        assertTrue(text.out().contains("`doppel cleanup` drops it after"), text::toString);

        Cli json = Cli.against(db, "status", String.valueOf(id), "--json");
        assertEquals(0, json.exitCode(), json::toString);
        assertEquals(String.valueOf(id), JsonField.at(db, json.out().strip(), "{id}"));
        assertEquals(Tables.TO_CENTS, JsonField.at(db, json.out().strip(), "{change}"));
    }

    @Test
    void unknownIdIsNamed(TestDatabase db) {
        Cli text = Cli.against(db, "status", "999");
        assertEquals(Cli.exitFor("migration_not_found"), text.exitCode(), text::toString);
        assertTrue(text.err().contains("migration_not_found") && text.err().contains("999"), text::toString);

        Cli json = Cli.against(db, "status", "999", "--json");
        assertEquals(Cli.exitFor("migration_not_found"), json.exitCode(), json::toString);
        assertEquals("migration_not_found", JsonField.at(db, json.out().strip(), "{reason}"));
    }

    @Test
    void idMustBeANumber() {
        Cli cli = Cli.run("status", "latest");
        assertEquals(2, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("latest"), cli::toString);
    }
}
