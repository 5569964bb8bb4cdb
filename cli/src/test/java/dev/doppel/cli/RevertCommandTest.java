package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `doppel revert`, and what plan and status say about reverting. */
@PostgresTest
class RevertCommandTest {

    private static final String USING_BACK = "total=(total/100.0)::numeric(12,2)";

    @Test
    void planStatusAndRevertWithAUserGivenInverse(TestDatabase db) {
        Tables.orders(db, "sales", 300);
        Cli plan = Cli.against(db, "plan", "--table", "sales", "--alter", Tables.TO_CENTS, "--revert-window",
                "24h", "--json");
        assertEquals(0, plan.exitCode(), plan::toString);
        assertEquals("false", JsonField.at(db, plan.out().strip(), "{revert,possible}"));
        assertTrue(JsonField.at(db, plan.out().strip(), "{revert,reason}").contains("USING"), plan::toString);

        Cli run = Cli.against(db, "run", "--table", "sales", "--alter", Tables.TO_CENTS, "--revert-using", USING_BACK,
                "--revert-window", "24h");
        assertEquals(0, run.exitCode(), run::toString);
        String id = String.valueOf(Tables.migrationOf(db, "sales"));
        db.execute("INSERT INTO sales (total, note) VALUES (1234, 'after the swap')");
        Cli status = Cli.against(db, "status", id);
        assertTrue(status.out().contains("revertable until"), status::toString);
        assertTrue(status.out().contains("revert log     1 writes since the swap not yet applied to the old table"),
                status::toString);
        Cli json = Cli.against(db, "status", id, "--json");
        assertEquals("1", JsonField.at(db, json.out().strip(), "{revert_backlog}"), json::toString);

        Cli revert = Cli.against(db, "revert", id, "--json");
        assertEquals(0, revert.exitCode(), revert::toString);
        assertEquals("reverted", JsonField.at(db, revert.out().strip(), "{outcome}"));
        assertEquals("numeric(12,2)", Tables.type(db, "sales", "total"));
        assertEquals("12.34", db.scalar("SELECT total FROM sales WHERE note = 'after the swap'"));
        assertEquals("reverted", db.scalar("SELECT outcome FROM doppel.migrations WHERE id = " + id));
        Cli again = Cli.against(db, "revert", id);
        assertEquals(Cli.exitFor("not_revertable"), again.exitCode(), again::toString);
    }

    @Test
    void aLaterRewriteSaysInPlanAndRunThatItEndsTheEarlierRevertAndStatusSaysWhy(TestDatabase db) {
        Tables.orders(db, "ledger", 200);
        Cli first = Cli.against(db, "run", "--table", "ledger", "--alter", Tables.TO_CENTS, "--revert-using",
                USING_BACK, "--revert-window", "24h");
        assertEquals(0, first.exitCode(), first::toString);
        long firstId = Tables.migrationOf(db, "ledger");
        long oldOid = db.count("SELECT table_oid FROM doppel.migrations WHERE id = " + firstId);
        String later = "ALTER COLUMN total TYPE numeric(20,0)";
        String ends = "migration " + firstId + " (" + Tables.TO_CENTS + ") can still be reverted until";
        Cli plan = Cli.against(db, "plan", "--table", "ledger", "--alter", later);
        assertTrue(plan.out().contains(ends) && plan.out().contains("its swap ends that revert for good")
                && plan.out().contains("Run `doppel revert " + firstId + "` first"), plan::toString);

        Cli second = Cli.against(db, "run", "--table", "ledger", "--alter", later, "--revert-window", "24h");
        assertEquals(0, second.exitCode(), second::toString);
        assertTrue(second.out().contains("warning        " + ends), second::toString);
        long secondId = Tables.migrationOf(db, "ledger");
        Cli status = Cli.against(db, "status", Long.toString(firstId));
        assertTrue(status.out().contains("revert         not possible: migration " + secondId + " rewrote"
                + " public.ledger and swapped in a new table, which ended this revert"), status::toString);
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname = 'revert_log_" + oldOid + "'"),
                "the ended revert's log went with the swap");
        Cli revert = Cli.against(db, "revert", Long.toString(firstId));
        assertEquals(Cli.exitFor("not_revertable"), revert.exitCode(), revert::toString);
        assertTrue(revert.err().contains("migration " + secondId + " rewrote public.ledger"), revert::toString);
        Cli back = Cli.against(db, "revert", Long.toString(secondId));
        assertEquals(0, back.exitCode(), "the later migration itself stays revertable: " + back);
    }

    @Test
    void aSwapWithoutARevertLogIsNotCalledRevertable(TestDatabase db) {
        Tables.orders(db, "archive", 100);
        Cli run = Cli.against(db, "run", "--table", "archive", "--alter", Tables.TO_CENTS, "--revert-using",
                USING_BACK, "--revert-window", "24h");
        assertEquals(0, run.exitCode(), run::toString);
        long id = Tables.migrationOf(db, "archive");
        long oid = db.count("SELECT table_oid FROM doppel.migrations WHERE id = " + id);
        // What a swap by a doppel without revert capture left: the row has no refusal, but there is no revert log.
        db.execute("DROP TRIGGER doppel_revert_" + oid + " ON archive",
                "DROP TRIGGER doppel_revert_" + oid + "_truncate ON archive",
                "DROP FUNCTION doppel.revert_capture_" + oid + "()", "DROP TABLE doppel.revert_log_" + oid);
        Cli status = Cli.against(db, "status", Long.toString(id));
        assertTrue(status.out().contains("revert         not possible: no writes were logged for it since the swap"),
                status::toString);
        assertTrue(!status.out().contains("revertable until") && !status.out().contains("revert log     "),
                status::toString);
        Cli json = Cli.against(db, "status", Long.toString(id), "--json");
        assertEquals("false", JsonField.at(db, json.out().strip(), "{revertable}"), json::toString);
        Cli abort = Cli.against(db, "abort", Long.toString(id));
        assertEquals(Cli.exitFor("already_swapped"), abort.exitCode(), abort::toString);
        assertTrue(!abort.err().contains("doppel revert"), "abort must not suggest a revert that cannot run: " + abort);
    }

    @Test
    void aChangeWithoutAnInverseIsRefusedWithExitThree(TestDatabase db) {
        Tables.orders(db, "refunds", 100);
        Cli run = Cli.against(db, "run", "--table", "refunds", "--alter", Tables.TO_CENTS);
        assertEquals(0, run.exitCode(), run::toString);
        String id = String.valueOf(Tables.migrationOf(db, "refunds"));
        assertTrue(Cli.against(db, "status", id).out().contains("revert         not possible"));
        Cli revert = Cli.against(db, "revert", id);
        assertEquals(3, revert.exitCode(), revert::toString);
        assertTrue(revert.err().contains("(not_revertable)") && revert.err().contains("snapshot"), revert::toString);
        assertEquals("bigint", Tables.type(db, "refunds", "total"));
    }
}
