package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A database that an earlier doppel build left its state tables in keeps working with this one. */
@PostgresTest
class StateUpgradeTest {

    @Test
    void stateTablesFromAnEarlierBuildAreUpgradedInPlace(TestDatabase db) {
        db.execute("CREATE SCHEMA doppel", "CREATE TABLE doppel.migrations (id bigserial PRIMARY KEY, table_oid oid"
                        + " NOT NULL, table_name text NOT NULL, change text NOT NULL, change_hash text NOT NULL,"
                        + " options text NOT NULL, phase text NOT NULL, checkpoint text[], rows_copied bigint NOT NULL"
                        + " DEFAULT 0, started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL"
                        + " DEFAULT now(), finished_at timestamptz, outcome text, error text, old_table text,"
                        + " drop_after timestamptz, doppel_version text NOT NULL, pid int NOT NULL DEFAULT pg_backend_pid())",
                "INSERT INTO doppel.migrations (table_oid, table_name, change, change_hash, options, phase, outcome,"
                        + " doppel_version) VALUES (1, 'public.gone', 'ADD COLUMN x int', 'h', '', 'DONE', 'succeeded', 'old')",
                "CREATE TABLE upgraded (id int PRIMARY KEY, v int)", "INSERT INTO upgraded VALUES (1, 1)");
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("upgraded")
                .alter("ALTER COLUMN v TYPE bigint").build().run();
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        assertEquals(2, Migrations.on(db.dataSource()).list().size());
    }
}
