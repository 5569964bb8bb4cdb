package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** doppel lint and doppel apply as a pipeline runs them: exit codes, JSON and SARIF, the dry run, the re-run. */
@PostgresTest
class LintApplyCommandTest {

    private static Path file(Path dir, String name, String sql) throws IOException {
        return Files.writeString(dir.resolve(name), sql);
    }

    @Test
    void lintExitsSevenOnFindingsAtTheChosenLevelAndPrintsSarif(@TempDir Path dir) throws IOException {
        Path bad = file(dir, "V1__index.sql", "CREATE INDEX a ON t (x);\n");
        Cli text = Cli.run("lint", bad.toString());
        assertEquals(7, text.exitCode(), text::toString);
        assertTrue(text.out().contains("error create-index-not-concurrent"), text::toString);
        assertTrue(text.out().contains("fix: CREATE INDEX CONCURRENTLY a ON t (x)"), text::toString);

        Cli sarif = Cli.run("lint", "--format", "sarif", bad.toString());
        assertEquals(7, sarif.exitCode(), sarif::toString);
        assertTrue(sarif.out().contains("\"version\": \"2.1.0\"") && sarif.out().contains("\"startLine\": 1"),
                sarif::toString);

        Path warned = file(dir, "V2__column.sql", "ALTER TABLE t ADD COLUMN y int;\n");
        assertEquals(0, Cli.run("lint", warned.toString()).exitCode());
        assertEquals(7, Cli.run("lint", "--fail-on", "warning", warned.toString()).exitCode());
        Cli json = Cli.run("lint", "--json", "--fail-on", "never", bad.toString(), warned.toString());
        assertEquals(0, json.exitCode(), json::toString);
        assertTrue(json.out().contains("\"errors\":1,\"warnings\":2"), json::toString);

        Cli missing = Cli.run("lint", dir.resolve("nope.sql").toString());
        assertEquals(3, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("file_unreadable"), missing::toString);
    }

    @Test
    void applyShowsItsPlanRunsOnceAndThenHasNothingToDo(TestDatabase db, @TempDir Path dir) throws IOException {
        db.execute("CREATE TABLE items (id int PRIMARY KEY, sku text)",
                "INSERT INTO items SELECT g, 'sku' || g FROM generate_series(1, 1000) g");
        Path file = file(dir, "V5__items.sql", "CREATE INDEX items_sku ON items (sku);\n"
                + "ALTER TABLE items ADD CONSTRAINT sku_set CHECK (sku IS NOT NULL);\n");

        Cli dry = Cli.against(db, "apply", "--dry-run", file.toString());
        assertEquals(0, dry.exitCode(), dry::toString);
        assertTrue(dry.out().contains("V5__items.sql (new, 2 of 2 statements to run)"), dry::toString);
        assertTrue(dry.out().contains("CREATE INDEX CONCURRENTLY"), dry::toString);
        assertEquals(0, db.count("SELECT count(*) FROM pg_indexes WHERE indexname = 'items_sku'"));

        Cli run = Cli.against(db, "apply", file.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("V5__items.sql: applied 2 statements"), run::toString);
        assertTrue(run.err().contains("[1/2] line 1"), run::toString);
        assertEquals("true", db.scalar("SELECT convalidated::text FROM pg_constraint WHERE conname = 'sku_set'"));

        Cli again = Cli.against(db, "apply", "--json", file.toString());
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().contains("\"how\":\"ALREADY_DONE\""), again::toString);
    }

    @Test
    void applyRefusesATransactionItCannotKeepWithExitThree(TestDatabase db, @TempDir Path dir) throws IOException {
        db.execute("CREATE TABLE grouped (id int PRIMARY KEY, a int)");
        Path file = file(dir, "V6__grouped.sql", "BEGIN;\nCREATE INDEX grouped_a ON grouped (a);\nCOMMIT;\n");
        Cli refused = Cli.against(db, "apply", file.toString());
        assertEquals(3, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("transaction_split_needed"), refused::toString);
        assertEquals(0, Cli.against(db, "apply", "--split-transactions", file.toString()).exitCode());
    }
}
