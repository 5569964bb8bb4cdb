package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `--capture logical` on run and plan, and the replication slots `status` and `plan` report. */
@PostgresTest
class LogicalCaptureCommandTest {

    @Test
    void runWithLogicalCaptureLeavesNoSlot(TestDatabase db) {
        Tables.orders(db, "orders", 500);
        Cli run = Cli.against(db, "run", "--table", "orders", "--alter", Tables.TO_CENTS, "--capture", "logical");
        assertEquals(0, run.exitCode(), run::toString);
        long id = Tables.migrationOf(db, "orders");
        Cli status = Cli.against(db, "status", String.valueOf(id));
        assertTrue(status.out().contains("capture        logical, slot doppel_"), status::toString);
        assertTrue(status.out().contains(" dropped\n"), status::toString);
        assertEquals(0, db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'doppel\\_%'"));
    }

    @Test
    void statusAndPlanShowEveryDoppelSlotWithTheWalItKeeps(TestDatabase db) {
        Tables.orders(db, "items", 100);
        db.execute("SELECT pg_create_logical_replication_slot('doppel_1_1', 'pgoutput')");
        try {
            Cli status = Cli.against(db, "status");
            assertEquals(0, status.exitCode(), status::toString);
            assertTrue(status.out().contains("replication slots:\n  doppel_1_1 (idle, keeps "), status::toString);
            Cli plan = Cli.against(db, "plan", "--table", "items", "--alter", Tables.TO_CENTS);
            assertEquals(0, plan.exitCode(), plan::toString);
            assertTrue(plan.out().contains("doppel replication slot doppel_1_1 (idle, keeps "), plan::toString);
        } finally {
            db.execute("SELECT pg_drop_replication_slot('doppel_1_1')");
        }
    }

    @Test
    void planSaysHowWritesAreCaptured(TestDatabase db) {
        Tables.orders(db, "planned", 10);
        Cli plan = Cli.against(db, "plan", "--table", "planned", "--alter", Tables.TO_CENTS, "--capture", "logical");
        assertEquals(0, plan.exitCode(), plan::toString);
        assertTrue(plan.out().contains("capture      logical: "), plan::toString);
        Cli json = Cli.against(db, "plan", "--table", "planned", "--alter", Tables.TO_CENTS, "--json");
        assertEquals("trigger", JsonField.at(db, json.out().strip(), "{capture}"));
    }

    @Test
    void anUnknownCaptureIsAUsageError(TestDatabase db) {
        Cli plan = Cli.against(db, "plan", "--table", "x", "--alter", Tables.TO_CENTS, "--capture", "wal2json");
        assertEquals(2, plan.exitCode(), plan::toString);
        assertTrue(plan.err().contains("--capture"), plan::toString);
    }
}
