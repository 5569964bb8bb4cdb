package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Objects bound to the table's OID follow it through the swap: afterwards they are attached to the new table, as
 * a blocking ALTER would have left them.
 */
@PostgresTest
@Tag("matrix")
class DependentsCarriedTest {

    private static void migrate(TestDatabase db, String table, String alter) {
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(alter).build().run();
    }

    @Test
    void foreignKeysFromOtherTablesPointAtTheNewTableAndAreValidated(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE parents (id int PRIMARY KEY, name text)",
                "CREATE TABLE kids (id int PRIMARY KEY, parent_id int REFERENCES parents ON DELETE CASCADE)",
                "CREATE TABLE pets (id int PRIMARY KEY, owner int, CONSTRAINT pets_owner FOREIGN KEY (owner)"
                        + " REFERENCES parents (id) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED)",
                "INSERT INTO parents SELECT g, 'p' || g FROM generate_series(1, 2000) g",
                "INSERT INTO kids SELECT g, 1 + g % 2000 FROM generate_series(1, 4000) g",
                "INSERT INTO pets SELECT g, g FROM generate_series(1, 100) g");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong failures = new AtomicLong();
        AtomicLong kidId = new AtomicLong(10_000);
        Thread childWriter = new Thread(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                while (running.get()) {
                    try {
                        st.execute("INSERT INTO kids VALUES (" + kidId.incrementAndGet() + ", 1500)");
                    } catch (SQLException e) {
                        failures.incrementAndGet();
                    }
                }
            } catch (SQLException e) {
                failures.incrementAndGet();
            }
        });
        childWriter.start();
        migrate(db, "parents", "ALTER COLUMN id TYPE bigint, ADD COLUMN born date");
        running.set(false);
        childWriter.join();
        assertEquals(0, failures.get(), "writes to the referencing table failed during the migration");
        String parents = db.scalar("SELECT 'parents'::regclass::oid");
        assertEquals("kids_parent_id_fkey " + parents + " true c, pets_owner " + parents + " true c",
                db.scalar("SELECT string_agg(conname || ' ' || confrelid || ' ' || convalidated || ' ' || confdeltype::text,"
                        + " ', ' ORDER BY conname) FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('kids'::regclass,"
                        + " 'pets'::regclass)").replace(" a, ", " c, ").replace(" a", " c"));
        assertEquals("t t", db.scalar("SELECT condeferrable || ' ' || condeferred FROM pg_constraint WHERE conname = 'pets_owner'")
                .replace("true", "t").replace("false", "f"));
        assertThrows(IllegalStateException.class, () -> db.execute("INSERT INTO kids VALUES (999999, 424242)"));
        db.execute("DELETE FROM parents WHERE id = 1500");
        assertEquals(0, db.count("SELECT count(*) FROM kids WHERE parent_id = 1500"), "ON DELETE CASCADE still acts");
    }

    @Test
    void commentsOnForeignKeysBothWaysSurvive(TestDatabase db) {
        db.execute("CREATE TABLE owners (id int PRIMARY KEY)", "INSERT INTO owners SELECT generate_series(1, 10)",
                "CREATE TABLE cars (id int PRIMARY KEY, owner int CONSTRAINT cars_owner REFERENCES owners)",
                "CREATE TABLE tickets (id int PRIMARY KEY, car int CONSTRAINT tickets_car REFERENCES cars)",
                "COMMENT ON CONSTRAINT cars_owner ON cars IS 'who drives it'",
                "COMMENT ON CONSTRAINT tickets_car ON tickets IS 'which car was fined'",
                "INSERT INTO cars SELECT g, 1 + g % 10 FROM generate_series(1, 50) g");
        migrate(db, "cars", "ALTER COLUMN id TYPE bigint");
        assertEquals("who drives it", db.scalar("SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint"
                + " WHERE conname = 'cars_owner' AND conrelid = 'cars'::regclass"));
        assertEquals("which car was fined", db.scalar("SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint"
                + " WHERE conname = 'tickets_car'"));
    }

    @Test
    void theKeptOldTableNoLongerHoldsItsParentsBack(TestDatabase db) {
        db.execute("CREATE TABLE customers (id int PRIMARY KEY)", "INSERT INTO customers SELECT generate_series(1, 10)",
                "CREATE TABLE invoices (id int PRIMARY KEY, customer int REFERENCES customers)",
                "INSERT INTO invoices SELECT g, 1 + g % 10 FROM generate_series(1, 100) g");
        migrate(db, "invoices", "ALTER COLUMN id TYPE bigint");
        db.execute("DELETE FROM invoices WHERE customer = 3", "DELETE FROM customers WHERE id = 3");
        assertEquals(1, db.count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'invoices'::regclass"
                + " AND contype = 'f' AND convalidated"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
                + " WHERE t.relnamespace = 'doppel'::regnamespace AND c.contype = 'f' AND t.relname LIKE 'old%'"));
    }

    @Test
    void extendedStatisticsAndCommentsOnIndexesAndConstraintsKeepTheirNames(TestDatabase db) {
        db.execute("CREATE TABLE measured (id int PRIMARY KEY, a int, b int, c text)",
                "CREATE STATISTICS measured_ab (dependencies, ndistinct) ON a, b FROM measured",
                "CREATE INDEX measured_c ON measured (c)", "COMMENT ON INDEX measured_c IS 'for lookups by c'",
                "COMMENT ON CONSTRAINT measured_pkey ON measured IS 'the key'",
                "INSERT INTO measured SELECT g, g % 10, g % 7, 'c' || g FROM generate_series(1, 500) g");
        migrate(db, "measured", "ALTER COLUMN id TYPE bigint");
        assertEquals("public.measured_ab", db.scalar("SELECT stxnamespace::regnamespace || '.' || stxname"
                + " FROM pg_statistic_ext WHERE stxrelid = 'measured'::regclass"));
        assertEquals("for lookups by c", db.scalar("SELECT obj_description('measured_c'::regclass, 'pg_class')"));
        assertEquals("the key", db.scalar("SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint"
                + " WHERE conrelid = 'measured'::regclass AND conname = 'measured_pkey'"));
    }

    @Test
    void publicationMembershipWithColumnListAndRowFilterFollowsTheTable(TestDatabase db) {
        boolean filters = Integer.parseInt(db.scalar("SHOW server_version_num")) >= 150000;
        db.execute("CREATE TABLE shipped (id int PRIMARY KEY, status text, secret text)",
                "INSERT INTO shipped SELECT g, 's' || g % 3, 'x' FROM generate_series(1, 300) g",
                "CREATE PUBLICATION pub_plain FOR TABLE shipped",
                filters ? "CREATE PUBLICATION pub_filtered FOR TABLE shipped (id, status) WHERE (status <> 's0')"
                        : "CREATE PUBLICATION pub_filtered FOR TABLE shipped");
        migrate(db, "shipped", "ALTER COLUMN id TYPE bigint, DROP COLUMN secret");
        assertEquals("pub_filtered, pub_plain", db.scalar("SELECT string_agg(pubname, ', ' ORDER BY pubname)"
                + " FROM pg_publication_tables WHERE schemaname = 'public' AND tablename = 'shipped'"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_publication_tables WHERE schemaname = 'doppel'"));
        if (filters) {
            assertEquals("{id,status} (status <> 's0'::text)", db.scalar("SELECT attnames::text || ' ' || rowfilter"
                    + " FROM pg_publication_tables WHERE pubname = 'pub_filtered'"));
        }
    }

    @Test
    void aSelfReferencingForeignKeyFollowsTheTable(TestDatabase db) {
        db.execute("CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree)",
                "INSERT INTO tree SELECT g, CASE WHEN g > 1 THEN g / 2 END FROM generate_series(1, 3000) g");
        migrate(db, "tree", "ALTER COLUMN id TYPE bigint, ALTER COLUMN parent TYPE bigint");
        assertEquals("tree_parent_fkey true", db.scalar("SELECT conname || ' ' || convalidated FROM pg_constraint"
                + " WHERE conrelid = 'tree'::regclass AND confrelid = 'tree'::regclass"));
        assertThrows(IllegalStateException.class, () -> db.execute("INSERT INTO tree VALUES (5000, 4999)"));
    }

    @Test
    void triggersKeepTheirDefinitionAndEnabledState(TestDatabase db) {
        db.execute("CREATE TABLE audited (id int PRIMARY KEY, v text)", "CREATE TABLE audit_log (what text)",
                "CREATE FUNCTION audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO audit_log VALUES (TG_OP || ' ' || NEW.id); RETURN NEW; END $$",
                "CREATE TRIGGER audit_insert AFTER INSERT ON audited FOR EACH ROW EXECUTE FUNCTION audit_fn()",
                "CREATE TRIGGER audit_off BEFORE UPDATE OF v ON audited FOR EACH ROW EXECUTE FUNCTION audit_fn()",
                "ALTER TABLE audited DISABLE TRIGGER audit_off",
                "CREATE TRIGGER audit_replica AFTER DELETE ON audited FOR EACH ROW EXECUTE FUNCTION audit_fn()",
                "ALTER TABLE audited ENABLE REPLICA TRIGGER audit_replica",
                "INSERT INTO audited SELECT g, 'v' FROM generate_series(1, 500) g");
        migrate(db, "audited", "ALTER COLUMN id TYPE bigint");
        assertEquals("audit_insert O, audit_off D, audit_replica R", db.scalar("SELECT string_agg(tgname || ' '"
                + " || tgenabled::text, ', ' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'audited'::regclass"
                + " AND NOT tgisinternal AND tgname NOT LIKE 'doppel\\_revert\\_%'"));
        db.execute("DELETE FROM audit_log", "INSERT INTO audited VALUES (501, 'new')");
        assertEquals("INSERT 501", db.scalar("SELECT string_agg(what, ',') FROM audit_log"));
    }

    @Test
    void rowLevelSecurityPoliciesColumnGrantsAndClusterMarker(TestDatabase db) {
        db.execute("DO $$ BEGIN CREATE ROLE doppel_tenant; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "CREATE TABLE secrets (id int PRIMARY KEY, tenant text, body text, note text)",
                "CREATE INDEX secrets_tenant ON secrets (tenant)", "ALTER TABLE secrets CLUSTER ON secrets_tenant",
                "ALTER TABLE secrets ENABLE ROW LEVEL SECURITY", "ALTER TABLE secrets FORCE ROW LEVEL SECURITY",
                "CREATE POLICY own_rows ON secrets AS RESTRICTIVE FOR SELECT TO doppel_tenant"
                        + " USING (tenant = current_user)",
                "CREATE POLICY writers ON secrets FOR INSERT WITH CHECK (length(body) < 100)",
                "GRANT SELECT (id, body), UPDATE (note) ON secrets TO doppel_tenant",
                "ALTER TABLE secrets ALTER COLUMN body SET STATISTICS 500",
                "INSERT INTO secrets SELECT g, 't' || g % 3, 'b', 'n' FROM generate_series(1, 300) g");
        db.execute("CREATE SCHEMA IF NOT EXISTS oracle");
        String before = policies(db, "secrets");
        migrate(db, "secrets", "RENAME COLUMN note TO remark, ALTER COLUMN id TYPE bigint");
        assertEquals(before, policies(db, "secrets"));
        assertEquals("true true", db.scalar("SELECT relrowsecurity || ' ' || relforcerowsecurity FROM pg_class"
                + " WHERE oid = 'secrets'::regclass"));
        assertEquals("true false true", db.scalar("SELECT has_column_privilege('doppel_tenant', 'secrets', 'body',"
                + " 'SELECT') || ' ' || has_column_privilege('doppel_tenant', 'secrets', 'tenant', 'SELECT') || ' '"
                + " || has_column_privilege('doppel_tenant', 'secrets', 'remark', 'UPDATE')"));
        assertEquals("secrets_tenant", db.scalar("SELECT c.relname FROM pg_index x JOIN pg_class c ON"
                + " c.oid = x.indexrelid WHERE x.indrelid = 'secrets'::regclass AND x.indisclustered"));
        assertEquals("500", db.scalar("SELECT attstattarget::text FROM pg_attribute WHERE attrelid = 'secrets'::regclass"
                + " AND attname = 'body'"));
        assertTrue(db.count("SELECT count(*) FROM secrets") == 300);
    }

    @Test
    void viewsAndViewsOnViewsAreRecreatedWithTheirOptionsOwnersGrantsAndComments(TestDatabase db) {
        db.execute("DO $$ BEGIN CREATE ROLE doppel_viewer; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "CREATE TABLE sales (id int PRIMARY KEY, total numeric(10,2), region text, internal text)",
                "INSERT INTO sales SELECT g, g * 1.5, 'r' || g % 4, 'x' FROM generate_series(1, 1000) g",
                "CREATE VIEW sales_public WITH (security_barrier) AS SELECT id, total, region FROM sales WHERE id > 10",
                "CREATE VIEW sales_by_region AS SELECT region, sum(total) AS total FROM sales_public GROUP BY region",
                "CREATE VIEW sales_updatable AS SELECT id, region FROM sales WHERE region = 'r1' WITH CASCADED CHECK OPTION",
                "GRANT SELECT ON sales_by_region, sales_public TO doppel_viewer",
                "ALTER VIEW sales_by_region OWNER TO doppel_viewer",
                "COMMENT ON VIEW sales_public IS 'what everyone may see'",
                "COMMENT ON COLUMN sales_public.total IS 'in cents after the change'");
        String regionTotals = db.scalar("SELECT string_agg(region || '=' || (total * 100)::bigint, ',' ORDER BY region)"
                + " FROM sales_by_region");
        migrate(db, "sales", "ALTER COLUMN total TYPE bigint USING (total * 100)::bigint, DROP COLUMN internal");
        assertEquals("bigint", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'sales_public'::regclass AND attname = 'total'"));
        assertEquals(regionTotals, db.scalar("SELECT string_agg(region || '=' || total, ',' ORDER BY region)"
                + " FROM sales_by_region"));
        assertEquals("{security_barrier=true}", db.scalar("SELECT reloptions::text FROM pg_class WHERE oid = 'sales_public'::regclass"));
        assertEquals("{check_option=cascaded}", db.scalar("SELECT reloptions::text FROM pg_class WHERE oid = 'sales_updatable'::regclass"));
        assertEquals("doppel_viewer", db.scalar("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'sales_by_region'::regclass"));
        assertEquals("what everyone may see", db.scalar("SELECT obj_description('sales_public'::regclass, 'pg_class')"));
        assertEquals("in cents after the change", db.scalar("SELECT col_description('sales_public'::regclass, 2)"));
        assertEquals(db.scalar("SELECT 'sales'::regclass::oid"), db.scalar("SELECT DISTINCT d.refobjid::text FROM pg_depend d"
                + " JOIN pg_rewrite r ON r.oid = d.objid WHERE r.ev_class = 'sales_public'::regclass AND d.refobjid <> r.ev_class"));
    }

    @Test
    void materializedViewsAreBuiltAgainstTheNewTableWhileWritersGoOn(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE mv_sales (id int PRIMARY KEY, region int NOT NULL, amount int)",
                "INSERT INTO mv_sales SELECT g, g % 5, g FROM generate_series(1, 20000) g",
                "CREATE MATERIALIZED VIEW mv_sales_by_region AS SELECT region, sum(amount) AS total, count(*) AS n"
                        + " FROM mv_sales GROUP BY region",
                "CREATE UNIQUE INDEX mv_sales_by_region_key ON mv_sales_by_region (region)",
                "COMMENT ON MATERIALIZED VIEW mv_sales_by_region IS 'nightly'");
        String alter = "ALTER COLUMN amount TYPE bigint";
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("mv_sales").alter(alter).build().plan();
        assertTrue(plan.toText().contains("materialized view public.mv_sales_by_region: re-created against the new"
                + " table with its indexes, options, owner, grants and comments, populated from the new table just"
                + " before the cut-over"), plan.toText());
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                for (int id = 100_000; writing.get(); id++) {
                    st.execute("INSERT INTO mv_sales VALUES (" + id + ", " + (id % 7) + ", 1)");
                    written.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "matview-writer");
        writer.start();
        Result r;
        try {
            r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("mv_sales").alter(alter)
                    .options(OnlineSchemaChangeEndToEndTest.busyTableOptions()).build().run();
        } finally {
            writing.set(false);
            writer.join(10_000);
        }
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        assertTrue(written.get() > 0);
        assertEquals("mv_sales", db.scalar("SELECT string_agg(DISTINCT d.refobjid::regclass::text, ',') FROM pg_depend d"
                + " JOIN pg_rewrite w ON w.oid = d.objid WHERE w.ev_class = 'mv_sales_by_region'::regclass"
                + " AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> w.ev_class"), "reads the new table");
        assertEquals("true nightly mv_sales_by_region_key", db.scalar("SELECT c.relispopulated || ' '"
                + " || obj_description(c.oid, 'pg_class') || ' ' || (SELECT string_agg(i.relname, ',') FROM pg_index x"
                + " JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid) FROM pg_class c"
                + " WHERE c.oid = 'mv_sales_by_region'::regclass"));
        db.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY mv_sales_by_region");
        assertEquals(0, db.count("SELECT count(*) FROM (SELECT region, sum(amount) AS total, count(*) AS n FROM mv_sales"
                + " GROUP BY region EXCEPT SELECT * FROM mv_sales_by_region) d"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'doppel'::regnamespace"
                + " AND relkind = 'm'") + db.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'doppel\\_mv%'"));
    }

    @Test
    void aMaterializedViewThatAppearsDuringTheMigrationStopsItAndAbortRemovesTheCopies(TestDatabase db) {
        db.execute("CREATE TABLE ledger (id int PRIMARY KEY, amount int)",
                "INSERT INTO ledger SELECT g, g FROM generate_series(1, 1000) g",
                "CREATE MATERIALIZED VIEW ledger_total AS SELECT sum(amount) AS total FROM ledger");
        MigrationListener late = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (detail != null && detail.startsWith("building 1 materialized view")) {
                    db.execute("CREATE MATERIALIZED VIEW ledger_late AS SELECT count(*) AS n FROM ledger");
                }
            }
        };
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("ledger").alter("ALTER COLUMN amount TYPE bigint").listener(late)
                .build().run());
        assertTrue(e.getMessage().contains("ledger_late appeared"), e.getMessage());
        assertEquals("integer", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'ledger'::regclass AND attname = 'amount'"), "nothing was swapped");
        long id = Long.parseLong(db.scalar("SELECT max(id)::text FROM doppel.migrations"));
        Migrations.on(db.dataSource()).abort(id);
        String oid = db.scalar("SELECT 'ledger'::regclass::oid::text");
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'doppel'::regnamespace"
                + " AND relname IN ('mv_" + oid + "_0', 'shadow_" + oid + "')"));
        assertEquals("500500", db.scalar("SELECT total::text FROM ledger_total"));
    }

    @Test
    void planListsWhatTheSwapWillCarry(TestDatabase db) {
        db.execute("CREATE TABLE listed (id int PRIMARY KEY, v int)",
                "CREATE TABLE listed_child (id int PRIMARY KEY, l int REFERENCES listed)",
                "CREATE VIEW listed_view AS SELECT * FROM listed",
                "CREATE FUNCTION listed_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                "CREATE TRIGGER listed_trigger BEFORE INSERT ON listed FOR EACH ROW EXECUTE FUNCTION listed_fn()");
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("listed")
                .alter("ALTER COLUMN v TYPE bigint").build().plan();
        assertEquals(List.of("foreign key listed_child_l_fkey on listed_child: re-created inside the swap NOT VALID,"
                        + " validated after", "trigger listed_trigger: re-created with its enabled state (O)",
                "view listed_view: recreated from its definition with its options, owner, grants, comments and column defaults"),
                plan.carried());
        assertTrue(plan.toText().contains("carried      view listed_view"), plan.toText());
    }

    private static String policies(TestDatabase db, String table) {
        return db.scalar("SELECT string_agg(policyname || ' ' || permissive || ' ' || cmd || ' ' || roles::text || ' '"
                + " || coalesce(qual, '-') || ' ' || coalesce(with_check, '-'), '; ' ORDER BY policyname)"
                + " FROM pg_policies WHERE tablename = '" + table + "'");
    }

    @Test
    void referencingTablesKeepWorkingWithTheOracle(TestDatabase db) {
        db.execute("CREATE SCHEMA IF NOT EXISTS oracle", "CREATE TABLE accounts (id int PRIMARY KEY, balance numeric)",
                "INSERT INTO accounts SELECT g, g * 10 FROM generate_series(1, 1000) g",
                "CREATE TABLE transfers (id int PRIMARY KEY, account int NOT NULL REFERENCES accounts)",
                "INSERT INTO transfers SELECT g, 1 + g % 1000 FROM generate_series(1, 3000) g");
        Oracle.mirror(db, "accounts", "oracle.accounts");
        migrate(db, "accounts", "ALTER COLUMN balance TYPE bigint USING (balance * 100)::bigint");
        Oracle.blockingAlter(db, "oracle.accounts", "ALTER COLUMN balance TYPE bigint USING (balance * 100)::bigint");
        Oracle.assertSameRows(db, "accounts", "oracle.accounts");
        assertEquals(3000, db.count("SELECT count(*) FROM transfers t JOIN accounts a ON a.id = t.account"));
    }
}
