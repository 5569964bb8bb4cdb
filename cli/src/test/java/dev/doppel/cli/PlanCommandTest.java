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
    void partitioningAPlainTableIsPlannedRefusedAndRun(TestDatabase db) {
        db.execute("CREATE TABLE visits (id int NOT NULL, at date NOT NULL, PRIMARY KEY (id, at))",
                "INSERT INTO visits SELECT g, date '2026-01-01' + g FROM generate_series(1, 50) g");
        String[] plan = {"--table", "visits", "--partition-by", "RANGE (at)", "--partitions",
                "monthly from 2026-01-01 to 2026-03-01; default"};
        Cli text = Cli.against(db, "plan", plan);
        assertEquals(0, text.exitCode(), text::toString);
        assertTrue(text.out().contains("becomes      partitioned by RANGE (at), 3 partitions:")
                && text.out().contains("public.visits_p202602 FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')")
                && text.out().contains("public.visits_default DEFAULT"), text::toString);
        String json = Cli.against(db, "plan", java.util.stream.Stream.concat(java.util.Arrays.stream(plan),
                java.util.stream.Stream.of("--json")).toArray(String[]::new)).out().strip();
        assertEquals("public.visits_p202601", JsonField.at(db, json, "{new_partitions,partitions,0,name}"));
        assertEquals("RANGE (at)", JsonField.at(db, json, "{new_partitions,key}"));

        Cli outside = Cli.against(db, "plan", "--table", "visits", "--partition-by", "RANGE (at)", "--partitions",
                "monthly from 2026-01-01 to 2026-02-01", "--json");
        assertEquals(3, outside.exitCode(), outside::toString);
        assertEquals("invalid_alter", JsonField.at(db, outside.out().strip(), "{reason}"));
        Cli both = Cli.against(db, "plan", "--table", "visits", "--partition-by", "HASH (id)", "--partitions", "2",
                "--alter", "ADD COLUMN x int");
        assertEquals(2, both.exitCode(), both::toString);
        assertTrue(both.err().contains("give one of them"), both::toString);
        Cli noSpec = Cli.against(db, "plan", "--table", "visits", "--partition-by", "HASH (id)");
        assertEquals(2, noSpec.exitCode(), noSpec::toString);
        assertTrue(noSpec.err().contains("--partition-by needs --partitions"), noSpec::toString);

        Cli run = Cli.against(db, "run", "--table", "visits", "--partition-by", "HASH (id)", "--partitions", "2",
                "--json");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("p", db.scalar("SELECT relkind::text FROM pg_class WHERE oid = 'visits'::regclass"));
        assertEquals(50, db.count("SELECT count(*) FROM visits_p0") + db.count("SELECT count(*) FROM visits_p1"));
        Cli back = Cli.against(db, "run", "--table", "visits", "--unpartition");
        assertEquals(0, back.exitCode(), back::toString);
        assertEquals("r", db.scalar("SELECT relkind::text FROM pg_class WHERE oid = 'visits'::regclass"));
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
