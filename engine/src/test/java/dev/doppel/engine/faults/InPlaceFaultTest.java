package dev.doppel.engine.faults;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Result;
import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An in-place change killed between its steps (a constraint added NOT VALID and validated, the unique index not
 * yet built): resume undoes what it added and makes the change again; abort leaves the table exactly as it was.
 */
@PostgresTest
@Tag("matrix")
class InPlaceFaultTest {

    private static final String CHANGE = "ADD CONSTRAINT n_positive CHECK (n > 0), ADD CONSTRAINT email_unique"
            + " UNIQUE (email)";

    private static void create(TestDatabase db, String table) {
        db.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, email text, n int)",
                "INSERT INTO " + table + " SELECT g, 'e' || g, g FROM generate_series(1, 5000) g");
    }

    private static long lastMigration(TestDatabase db, String table) {
        return db.count("SELECT max(id) FROM doppel.migrations WHERE table_name = 'public." + table + "'");
    }

    @Test
    void killedBetweenStepsThenResumedMakesTheWholeChange(TestDatabase db) throws Exception {
        create(db, "ip_killed");
        db.execute("CREATE SCHEMA IF NOT EXISTS oracle");
        create(db, "oracle.ip_killed");
        FaultMatrixTest.killIn(db, "ip_killed", Phase.INDEX, Options.Capture.TRIGGER, CHANGE);
        assertEquals(1, db.count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'ip_killed'::regclass"
                + " AND conname = 'n_positive'"), "the kill came after the check was added");
        long stopped = lastMigration(db, "ip_killed");
        Result r = Migrations.on(db.dataSource()).resume(stopped);
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        Oracle.blockingAlter(db, "oracle.ip_killed", CHANGE);
        Oracle.assertSameRows(db, "ip_killed", "oracle.ip_killed");
        Oracle.assertSameShape(db, "ip_killed", "oracle.ip_killed");
        assertEquals("aborted", db.scalar("SELECT outcome FROM doppel.migrations WHERE id = " + stopped));
    }

    @Test
    void killedBetweenStepsThenAbortedLeavesTheTableAsItWas(TestDatabase db) throws Exception {
        create(db, "ip_aborted");
        String before = CatalogFingerprint.of(db, "public", "ip_aborted");
        FaultMatrixTest.killIn(db, "ip_aborted", Phase.INDEX, Options.Capture.TRIGGER, CHANGE);
        Migrations.on(db.dataSource()).abort(lastMigration(db, "ip_aborted"));
        assertEquals(before, CatalogFingerprint.of(db, "public", "ip_aborted"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_index WHERE indrelid = 'ip_aborted'::regclass"
                + " AND NOT indisprimary"));
    }
}
