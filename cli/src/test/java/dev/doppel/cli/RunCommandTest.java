package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class RunCommandTest {

    @Test
    void migratesTheTableAndSummarizes(TestDatabase db) {
        Tables.orders(db, "orders_text", 5_000);
        Cli cli = Cli.against(db, "run", "--table", "orders_text", "--alter", Tables.TO_CENTS, "--lock-timeout",
                "200ms", "--chunk-time", "50ms", "--keep-old", "1h");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals("bigint", Tables.type(db, "orders_text", "total"));
        assertEquals(5_000, db.count("SELECT count(*) FROM orders_text"));
        assertEquals(1 + 10 + 100 + 1000 + 4999,
                db.count("SELECT sum(total) FROM orders_text WHERE id IN (1, 10, 100, 1000, 4999)"));
        assertTrue(cli.out().contains("outcome        succeeded"), cli::toString);
        assertTrue(cli.out().contains("5,000 source rows, 5,000 shadow rows"), cli::toString);
        assertTrue(cli.out().contains("cut-over (ACCESS EXCLUSIVE)"), cli::toString);
        assertTrue(cli.out().contains("kept; `doppel cleanup` drops it after"), cli::toString);
        assertTrue(cli.err().contains("copy") && cli.err().contains("done"), cli::toString);
    }

    @Test
    void jsonReportWithTheOldTableDropped(TestDatabase db) {
        Tables.orders(db, "orders_json", 5_000);
        Cli cli = Cli.against(db, "run", "--table", "orders_json", "--alter",
                "ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'", "--drop-old", "--json", "--rewrite");
        assertEquals(0, cli.exitCode(), cli::toString);
        String json = cli.out().strip();
        assertEquals("succeeded", JsonField.at(db, json, "{outcome}"));
        assertEquals("rewrite", JsonField.at(db, json, "{strategy}"));
        assertEquals("5000", JsonField.at(db, json, "{rows_copied}"));
        assertEquals("5000", JsonField.at(db, json, "{verify,source_rows}"));
        assertNotNull(JsonField.at(db, json, "{phase_ms,copy}"), json);
        assertNull(JsonField.at(db, json, "{old_table}"));
        assertTrue(JsonField.at(db, json, "{locks}").contains("cut-over"), json);
        assertEquals("character varying(3)", Tables.type(db, "orders_json", "currency"));
    }

    @Test
    void aCatalogOnlyChangeIsMadeInPlace(TestDatabase db) {
        Tables.orders(db, "orders_in_place", 500);
        Cli cli = Cli.against(db, "run", "--table", "orders_in_place", "--alter",
                "ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'", "--json");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals("in_place", JsonField.at(db, cli.out().strip(), "{strategy}"));
        assertEquals("0", JsonField.at(db, cli.out().strip(), "{rows_copied}"));
        Cli refused = Cli.against(db, "run", "--table", "orders_in_place", "--alter",
                "ALTER COLUMN total TYPE bigint USING (total * 100)::bigint", "--no-rewrite");
        assertEquals(3, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("rewrite_needed"), refused::toString);
    }

    @Test
    void withoutAlterTheTableIsRepackedOnline(TestDatabase db) {
        Tables.orders(db, "orders_repack", 5_000);
        db.execute("DELETE FROM orders_repack WHERE id % 5 <> 0", "VACUUM orders_repack");
        long before = db.count("SELECT pg_relation_size('orders_repack')");
        Cli cli = Cli.against(db, "run", "--table", "orders_repack", "--order-by", "total DESC", "--drop-old", "--json");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals("rewrite", JsonField.at(db, cli.out().strip(), "{strategy}"));
        assertEquals(1_000, db.count("SELECT count(*) FROM orders_repack"));
        assertTrue(db.count("SELECT pg_relation_size('orders_repack')") < before / 2, cli::toString);
        Cli both = Cli.run("run", "--table", "t", "--alter", "DROP COLUMN c", "--order-by", "c");
        assertEquals(2, both.exitCode(), both::toString);
        assertTrue(both.err().contains("--order-by orders a repack"), both::toString);
    }

    @Test
    void aMalformedCutoverWindowIsAUsageError(TestDatabase db) {
        Cli cli = Cli.against(db, "run", "--table", "orders", "--alter", Tables.TO_CENTS, "--cutover-window", "2am-4am");
        assertEquals(2, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("02:00-04:00"), cli::toString);
    }

    @Test
    void noVerifyWarnsLoudlyAndReportsItWasSkipped(TestDatabase db) {
        Tables.orders(db, "orders_unverified", 500);
        Cli cli = Cli.against(db, "run", "--table", "orders_unverified", "--alter", Tables.TO_CENTS,
                "--no-verify", "--drop-old");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertTrue(cli.err().startsWith("WARNING: --no-verify"), cli::toString);
        assertTrue(cli.out().contains("verified       NO"), cli::toString);
    }

    @Test
    void refusalLeavesTheTableAsItWas(TestDatabase db) {
        Tables.orders(db, "orders_refused", 100);
        Cli cli = Cli.against(db, "run", "--table", "orders_refused", "--alter", "OWNER TO nobody");
        assertEquals(3, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("refused"), cli::toString);
        assertEquals("numeric(12,2)", Tables.type(db, "orders_refused", "total"));
    }

    @Test
    void contradictoryOrMalformedOptionsAreUsageErrors() {
        Cli both = Cli.run("run", "--table", "t", "--alter", "DROP COLUMN c", "--keep-old", "2h", "--drop-old");
        assertEquals(2, both.exitCode(), both::toString);
        assertTrue(both.err().contains("--keep-old and --drop-old"), both::toString);

        Cli duration = Cli.run("run", "--table", "t", "--alter", "DROP COLUMN c", "--lock-timeout", "100");
        assertEquals(2, duration.exitCode(), duration::toString);
        assertTrue(duration.err().contains("'100' is not a duration"), duration::toString);

        Cli zero = Cli.run("run", "--table", "t", "--alter", "DROP COLUMN c", "--lock-timeout", "0ms");
        assertEquals(2, zero.exitCode(), zero::toString);
        assertTrue(zero.err().contains("--lock-timeout 0"), zero::toString);
    }
}
