package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `status` of a partitioned table's migration shows its copy leaf by leaf. */
@PostgresTest
class PartitionedStatusTest {

    @Test
    void statusShowsEachLeafsCopy(TestDatabase db) {
        db.execute("CREATE TABLE logs (id int NOT NULL, at date NOT NULL, msg text, PRIMARY KEY (id, at))"
                        + " PARTITION BY RANGE (at)",
                "CREATE TABLE logs_2025 PARTITION OF logs FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE logs_2026 PARTITION OF logs FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "CREATE TABLE logs_rest PARTITION OF logs DEFAULT",
                "INSERT INTO logs SELECT g, date '2025-01-01' + g % 700, 'm' || g FROM generate_series(1, 1000) g");
        Cli run = Cli.against(db, "run", "--table", "logs", "--alter", "ALTER COLUMN msg TYPE varchar(50)");
        assertEquals(0, run.exitCode(), run::toString);
        String id = String.valueOf(Tables.migrationOf(db, "logs"));

        Cli text = Cli.against(db, "status", id);
        assertTrue(text.out().contains("partitions     3 of 3 copied\n"), text::toString);

        String json = Cli.against(db, "status", id, "--json").out().strip();
        assertEquals("public.logs_2025", JsonField.at(db, json, "{partitions,0,partition}"));
        assertEquals("copied", JsonField.at(db, json, "{partitions,0,state}"));
        assertEquals(String.valueOf(db.count("SELECT count(*) FROM logs_2026")),
                JsonField.at(db, json, "{partitions,1,rows_copied}"));
        assertEquals("public.logs_rest", JsonField.at(db, json, "{partitions,2,partition}"));
        assertEquals("0", JsonField.at(db, json, "{partitions,2,rows_copied}"));
        assertNull(JsonField.at(db, json, "{partitions,2,end_key}"), "the default partition was empty");
    }
}
