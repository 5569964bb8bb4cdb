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
        Cli plan = Cli.against(db, "plan", "--table", "sales", "--alter", Tables.TO_CENTS, "--json");
        assertEquals(0, plan.exitCode(), plan::toString);
        assertEquals("false", JsonField.at(db, plan.out().strip(), "{revert,possible}"));
        assertTrue(JsonField.at(db, plan.out().strip(), "{revert,reason}").contains("USING"), plan::toString);

        Cli run = Cli.against(db, "run", "--table", "sales", "--alter", Tables.TO_CENTS, "--revert-using", USING_BACK);
        assertEquals(0, run.exitCode(), run::toString);
        String id = String.valueOf(Tables.migrationOf(db, "sales"));
        db.execute("INSERT INTO sales (total, note) VALUES (1234, 'after the swap')");
        Cli status = Cli.against(db, "status", id);
        assertTrue(status.out().contains("revertable until"), status::toString);

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
