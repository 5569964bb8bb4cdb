package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** apply(): the same change run again resumes an unfinished run, or finds it done while the table matches. */
@PostgresTest
class ApplyTest {

    private static final String TO_CENTS = "ALTER COLUMN total TYPE bigint USING (total*100)::bigint";

    private static OnlineSchemaChange change(TestDatabase db, String table, String alter, Options options) {
        return OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(alter).options(options)
                .build();
    }

    private static void orders(TestDatabase db, String table) {
        db.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, total numeric(12,2) NOT NULL)",
                "INSERT INTO " + table + " SELECT g, g / 100.0 FROM generate_series(1, 500) g");
    }

    @Test
    void theSameChangeAgainIsAlreadyDoneAndChangesNothing(TestDatabase db) {
        orders(db, "done_orders");
        Applied first = change(db, "done_orders", TO_CENTS, Options.defaults()).apply();
        assertEquals(Applied.How.STARTED, first.how());
        assertEquals(Outcome.SUCCEEDED, first.result().outcome());
        long sum = db.count("SELECT sum(total) FROM done_orders");

        // Different spacing and an ALTER TABLE prefix: the same change, by its normalised text.
        Applied again = change(db, "done_orders", "ALTER TABLE done_orders  " + TO_CENTS + ";", Options.defaults())
                .apply();
        assertEquals(Applied.How.ALREADY_DONE, again.how());
        assertEquals(first.migrationId(), again.migrationId());
        assertNull(again.result());
        assertEquals(sum, db.count("SELECT sum(total) FROM done_orders"), "the USING was not applied twice");
        assertEquals(1, db.count("SELECT count(*) FROM doppel.migrations WHERE table_name = 'public.done_orders'"));
    }

    @Test
    void aTableChangedSinceRunsTheChangeAgain(TestDatabase db) {
        orders(db, "reverted_orders");
        long first = change(db, "reverted_orders", TO_CENTS, Options.defaults()).apply().migrationId();
        db.execute("ALTER TABLE reverted_orders ALTER COLUMN total TYPE numeric(12,2)");

        Applied again = change(db, "reverted_orders", TO_CENTS, Options.defaults()).apply();
        assertEquals(Applied.How.STARTED, again.how());
        assertNotEquals(first, again.migrationId());
        assertEquals("bigint", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'reverted_orders'::regclass AND attname = 'total'"));
    }

    @Test
    void anUnfinishedRunOfTheSameChangeIsResumed(TestDatabase db) throws SQLException {
        orders(db, "stopped_orders");
        Options impatient = Options.defaults().withLockTimeout(Duration.ofMillis(50)).withLockAttempts(2);
        try (Connection reader = db.connect(); Statement s = reader.createStatement()) {
            reader.setAutoCommit(false);
            // ACCESS SHARE lets the capture trigger in and keeps the cut-over out: the run stops at the swap.
            s.execute("LOCK TABLE stopped_orders IN ACCESS SHARE MODE");
            DoppelException stopped = assertThrows(DoppelException.class,
                    () -> change(db, "stopped_orders", TO_CENTS, impatient).apply());
            assertEquals(Reason.STOPPED, stopped.reason());
            reader.rollback();
        }
        long id = db.count("SELECT max(id) FROM doppel.migrations WHERE table_name = 'public.stopped_orders'");

        Applied resumed = change(db, "stopped_orders", TO_CENTS, Options.defaults()).apply();
        assertEquals(Applied.How.RESUMED, resumed.how());
        assertEquals(id, resumed.migrationId());
        assertEquals(Outcome.SUCCEEDED, resumed.result().outcome());
        assertEquals(1, db.count("SELECT count(*) FROM doppel.migrations WHERE table_name = 'public.stopped_orders'"));
        assertEquals(125_250, db.count("SELECT sum(total) FROM stopped_orders"), "cents, each row once");
    }

    @Test
    void aDifferentChangeOverAnUnfinishedOneIsStillRefused(TestDatabase db) throws SQLException {
        orders(db, "other_orders");
        Options impatient = Options.defaults().withLockTimeout(Duration.ofMillis(50)).withLockAttempts(2);
        try (Connection reader = db.connect(); Statement s = reader.createStatement()) {
            reader.setAutoCommit(false);
            s.execute("LOCK TABLE other_orders IN ACCESS SHARE MODE");
            assertThrows(DoppelException.class, () -> change(db, "other_orders", TO_CENTS, impatient).apply());
            reader.rollback();
        }
        DoppelException refused = assertThrows(DoppelException.class,
                () -> change(db, "other_orders", "ADD COLUMN note text", Options.defaults()).apply());
        assertEquals(Reason.LEFTOVER, refused.reason());
    }
}
