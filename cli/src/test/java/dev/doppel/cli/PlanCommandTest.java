package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class PlanCommandTest {

    private static final String CHANGE = "ALTER COLUMN total TYPE bigint USING (total*100)::bigint,"
            + " ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'";

    @BeforeAll
    static void tables(TestDatabase db) {
        db.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric(12,2) NOT NULL, status text NOT NULL)",
                "INSERT INTO orders (total, status) SELECT g / 100.0, 'new' FROM generate_series(1, 100) g",
                "CREATE TABLE keyless (a int, b text)");
    }

    @Test
    void jsonPlanNamesTheKeyAndEveryColumnWithItsSource(TestDatabase db) {
        Cli cli = Cli.against(db, "plan", "--table", "orders", "--alter", CHANGE, "--json");
        assertEquals(0, cli.exitCode(), cli::toString);
        String json = cli.out().strip();
        assertEquals("planned", JsonField.at(db, json, "{outcome}"));
        assertEquals("public.orders", JsonField.at(db, json, "{table}"));
        assertEquals("id", JsonField.at(db, json, "{key,source,0}"));
        assertEquals("id", JsonField.at(db, json, "{key,target,0}"));
        assertEquals("id", JsonField.at(db, json, "{columns,0,name}"));
        assertEquals("total", JsonField.at(db, json, "{columns,1,name}"));
        assertEquals("bigint", JsonField.at(db, json, "{columns,1,type}"));
        assertTrue(JsonField.at(db, json, "{columns,1,expression}").contains("100"), json);
        assertEquals("currency", JsonField.at(db, json, "{columns,3,name}"));
        assertEquals(null, JsonField.at(db, json, "{columns,3,source}"));
        assertEquals("orders_pkey", JsonField.at(db, json, "{deferred,0,name}"));
        assertEquals("[]", JsonField.at(db, json, "{foreign_keys}"));
    }

    @Test
    void textPlanIsTheEnginesAndChangesNothing(TestDatabase db) {
        Cli cli = Cli.against(db, "plan", "--table", "public.orders", "--alter", CHANGE);
        assertEquals(0, cli.exitCode(), cli::toString);
        assertTrue(cli.out().startsWith("table        public.orders"), cli::toString);
        assertTrue(cli.out().contains("currency"), cli::toString);
        assertEquals("numeric", db.scalar("SELECT data_type FROM information_schema.columns"
                + " WHERE table_name = 'orders' AND column_name = 'total'"));
    }

    @Test
    void aPartitionedTablesPlanNamesItsPartitions(TestDatabase db) {
        db.execute("CREATE TABLE events (id int NOT NULL, at date NOT NULL, PRIMARY KEY (id, at))"
                        + " PARTITION BY RANGE (at)",
                "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE TABLE events_rest PARTITION OF events DEFAULT");
        Cli text = Cli.against(db, "plan", "--table", "events", "--alter", "ALTER COLUMN id TYPE bigint");
        assertEquals(0, text.exitCode(), text::toString);
        assertTrue(text.out().contains("partitions   RANGE (at): 2 partitions, 2 holding rows"), text::toString);
        Cli json = Cli.against(db, "plan", "--table", "events", "--alter", "ALTER COLUMN id TYPE bigint", "--json");
        assertEquals(0, json.exitCode(), json::toString);
        assertEquals("RANGE (at)", JsonField.at(db, json.out().strip(), "{partitions,key}"));
        assertEquals("DEFAULT", JsonField.at(db, json.out().strip(), "{partitions,partitions,1,bound}"));
    }

    @Test
    void missingTableIsRefusedWithItsName(TestDatabase db) {
        Cli cli = Cli.against(db, "plan", "--table", "public.no_such_table", "--alter", CHANGE);
        assertEquals(3, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("no_such_table") && cli.err().contains("does not exist"), cli::toString);
        assertEquals("", cli.out());
    }

    @Test
    void missingTableAsJsonOnStdout(TestDatabase db) {
        Cli cli = Cli.against(db, "plan", "--table", "no_such_table", "--alter", CHANGE, "--json");
        assertEquals(3, cli.exitCode(), cli::toString);
        String json = cli.out().strip();
        assertEquals("refused", JsonField.at(db, json, "{outcome}"));
        assertEquals("table_not_found", JsonField.at(db, json, "{reason}"));
        assertTrue(JsonField.at(db, json, "{error}").contains("no_such_table"), json);
    }

    @Test
    void tableWithoutAKeyIsRefused(TestDatabase db) {
        Cli cli = Cli.against(db, "plan", "--table", "keyless", "--alter", "ALTER COLUMN a TYPE bigint");
        assertEquals(3, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("no_usable_key") && cli.err().contains("has no primary key"), cli::toString);
    }

    @Test
    void unsupportedAlterIsRefused(TestDatabase db) {
        Cli cli = Cli.against(db, "plan", "--table", "orders", "--alter", "OWNER TO x");
        assertEquals(3, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("OWNER TO x"), cli::toString);
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Cli cli = Cli.run("plan", "--alter", "DROP COLUMN note");
        assertEquals(2, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("--table"), cli::toString);
    }
}
