package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import dev.doppel.engine.testing.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shapes real schemas have that a rename-swap can get wrong while every row seems to match: row-level security,
 * keys of extension types, equal values spelled differently, NOT VALID constraints, default privileges, a capture
 * switched off, a TRUNCATE racing verification. Each one ends in a table equal to a blocking ALTER's, or a stop.
 */
@PostgresTest
@Tag("matrix")
class RealSchemasTest {

    /** A login role that is not a superuser, owning nothing yet, able to create doppel's schema and swap in public. */
    static DataSource roleDataSource(TestDatabase db, String role) {
        db.execute("DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN PASSWORD 'doppel'",
                "GRANT CREATE ON DATABASE " + db.name() + " TO " + role, "GRANT CREATE ON SCHEMA public TO " + role);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.jdbcUrl());
        ds.setUser(role);
        ds.setPassword("doppel");
        return ds;
    }

    private static Result migrate(TestDatabase db, String table, String alter, MigrationListener listener) {
        return OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(alter).listener(listener)
                .build().run();
    }

    /** Runs {@code sql} when the migration enters {@code phase}: after the copy (INDEX), replay must carry it. */
    private static MigrationListener at(Phase phase, TestDatabase db, String... sql) {
        return new MigrationListener() {
            @Override
            public void phase(Phase p, String detail) {
                if (p == phase) {
                    db.execute(sql);
                }
            }
        };
    }

    @Test
    void theOwnerUnderForcedRowSecurityIsRefusedNamingTheFix() {
        // A database of its own: there doppel's state tables are the role's, as where it is deployed so.
        TestDatabase db = TestPostgres.newDatabase("rls owner");
        String role = "rls_owner_" + db.name();
        DataSource asOwner = roleDataSource(db, role);
        db.execute("CREATE TABLE secrets (id int PRIMARY KEY, tenant int, v text)",
                "INSERT INTO secrets SELECT g, g % 4, 'v' || g FROM generate_series(1, 2000) g",
                "ALTER TABLE secrets OWNER TO " + role, "ALTER TABLE secrets ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE secrets FORCE ROW LEVEL SECURITY",
                "CREATE POLICY tenant_zero ON secrets USING (tenant = 0)");
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(asOwner).table("secrets").alter("ALTER COLUMN id TYPE bigint").build().run());
        assertEquals(Reason.ROW_SECURITY, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("FORCE ROW LEVEL SECURITY") && e.getMessage().contains("BYPASSRLS"),
                e.getMessage());
        assertEquals("integer", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'secrets'::regclass AND attname = 'id'"));

        db.execute("ALTER ROLE " + role + " BYPASSRLS");
        Result r = OnlineSchemaChange.builder().dataSource(asOwner).table("secrets")
                .alter("ALTER COLUMN id TYPE bigint").build().run();
        assertEquals(2000, r.verify().shadowRows());
        assertEquals(2000, db.count("SELECT count(*) FROM secrets"));
        assertEquals("t", db.scalar("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class"
                + " WHERE oid = 'secrets'::regclass"));
    }

    /**
     * Updates of keys whose = lives outside pg_catalog, before and after the swap (when the revert capture logs
     * them), and keys respelled after the copy: no write fails, and the new table spells every key as the source.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ltree", "isbn13", "citext", "numeric", "composite"})
    void keysOfEveryKindAreCapturedAndKeptAsSpelled(String kind, TestDatabase db) {
        db.execute("CREATE EXTENSION IF NOT EXISTS ltree", "CREATE EXTENSION IF NOT EXISTS isn",
                "CREATE EXTENSION IF NOT EXISTS citext",
                // An ISBN-13 needs its check digit: 978 and nine digits of g, weighted 1, 3, 1, ...
                "CREATE OR REPLACE FUNCTION isbn_of(g int) RETURNS isbn13 LANGUAGE sql IMMUTABLE AS $$"
                        + " SELECT (d || ((10 - (SELECT sum(substr(d, i, 1)::int * CASE WHEN i % 2 = 1 THEN 1 ELSE 3"
                        + " END) FROM generate_series(1, 12) i) % 10) % 10))::isbn13 FROM (SELECT '978'"
                        + " || lpad(g::text, 9, '0') AS d) x $$");
        String table = "keyed_" + kind;
        String[] def = switch (kind) {
            case "ltree" -> new String[] {"k ltree PRIMARY KEY", "('top.n' || g)::ltree", "'top.n7'", "'top.moved'",
                    "'top.n8'", "'top.n8'", "'top.n9'", "'top.moved2'"};
            case "isbn13" -> new String[] {"k isbn13 PRIMARY KEY", "isbn_of(g)", "isbn_of(7)", "isbn_of(5000)",
                    "isbn_of(8)", "isbn_of(8)", "isbn_of(9)", "isbn_of(5001)"};
            case "citext" -> new String[] {"k citext PRIMARY KEY", "'Key' || g", "'Key7'", "'moved'", "'Key8'",
                    "'KEY8'", "'Key9'", "'kEY9'"};
            case "numeric" -> new String[] {"k numeric PRIMARY KEY", "g", "7", "5000.5", "8", "8.00", "9", "9.0"};
            default -> new String[] {"k int, k2 ltree, PRIMARY KEY (k, k2)", "g, 'a.b'", "7", "5000", "8", "8", "9",
                    "5001"};
        };
        boolean composite = kind.equals("composite");
        db.execute("CREATE TABLE " + table + " (" + def[0] + ", v int)", "INSERT INTO " + table + " SELECT "
                + def[1] + ", g FROM generate_series(1, 3000) g");
        Oracle.mirror(db, table, table + "_mirror");
        String[] writes = {
            "UPDATE %s SET v = -1 WHERE k = " + def[2],
            "UPDATE %s SET k = " + def[3] + " WHERE k = " + def[2],
            // Equal but spelled differently (numeric scale, citext case): replay must write the source's spelling.
            composite ? "UPDATE %s SET k2 = 'a.c' WHERE k = 8" : "UPDATE %s SET k = " + def[5] + " WHERE k = " + def[4],
            "DELETE FROM %s WHERE v = 9",
        };
        List<String> both = new java.util.ArrayList<>();
        for (String w : writes) {
            both.add(String.format(w, table));
            both.add(String.format(w, table + "_mirror"));
        }
        String alter = "ALTER COLUMN v TYPE bigint";
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(alter)
                .options(Options.defaults().withRevertWindow(java.time.Duration.ofHours(1)))
                .listener(at(Phase.INDEX, db, both.toArray(String[]::new))).build().run();
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        // The revert capture is on the live table now, with the same key types.
        String[] after = {"UPDATE %s SET v = -2 WHERE k = " + def[6], "UPDATE %s SET k = " + def[7] + " WHERE k = "
                + def[6], "DELETE FROM %s WHERE v = 10", "INSERT INTO %s SELECT " + def[1].replace("g", "6000")
                + ", 6000"};
        for (String w : after) {
            db.execute(String.format(w, table), String.format(w, table + "_mirror"));
        }
        Oracle.blockingAlter(db, table + "_mirror", alter);
        Oracle.assertSameRows(db, table, table + "_mirror");
    }

    @Test
    void aRespelledValueInTheShadowIsAMismatch(TestDatabase db) {
        db.execute("CREATE EXTENSION IF NOT EXISTS citext",
                "CREATE TABLE amounts (id int PRIMARY KEY, amount numeric, label citext)",
                "INSERT INTO amounts SELECT g, g, 'L' || g FROM generate_series(1, 3000) g");
        String shadow = "doppel.shadow_" + db.scalar("SELECT 'amounts'::regclass::oid");
        DoppelException e = assertThrows(DoppelException.class, () -> migrate(db, "amounts",
                "ALTER COLUMN id TYPE bigint", at(Phase.VERIFY, db,
                        "UPDATE " + shadow + " SET amount = 100.0 WHERE id = 100",
                        "UPDATE " + shadow + " SET label = 'l200' WHERE id = 200")));
        assertEquals(Reason.VERIFY_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("(100) (values differ)"), e.getMessage());
        assertTrue(e.getMessage().contains("(200) (values differ)"), e.getMessage());
    }

    @Test
    void notValidChecksStayNotValidAndKeepTheirRows(TestDatabase db) {
        db.execute("CREATE TABLE legacy (id int PRIMARY KEY, qty int, note text)",
                "INSERT INTO legacy SELECT g, g - 100, 'n' FROM generate_series(1, 2000) g");
        Oracle.mirror(db, "legacy", "legacy_mirror");
        db.execute("ALTER TABLE legacy ADD CONSTRAINT qty_positive CHECK (qty > 0) NOT VALID",
                "ALTER TABLE legacy_mirror ADD CONSTRAINT qty_positive CHECK (qty > 0) NOT VALID");
        String alter = "ALTER COLUMN id TYPE bigint, ADD CONSTRAINT note_short CHECK (length(note) < 0) NOT VALID";
        Result r = migrate(db, "legacy", alter, at(Phase.INDEX, db, "UPDATE legacy SET qty = 5 WHERE id = 1",
                "UPDATE legacy_mirror SET qty = 5 WHERE id = 1"));
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        Oracle.blockingAlter(db, "legacy_mirror", alter);
        Oracle.assertSameRows(db, "legacy", "legacy_mirror");
        String constraints = "SELECT string_agg(conname || ' ' || convalidated || ' ' || pg_get_constraintdef(oid), ', '"
                + " ORDER BY conname) FROM pg_constraint WHERE conrelid = '%s'::regclass AND contype = 'c'";
        assertEquals(db.scalar(String.format(constraints, "legacy_mirror")),
                db.scalar(String.format(constraints, "legacy")));
        assertTrue(db.scalar(String.format(constraints, "legacy")).contains("qty_positive false"));
    }

    @Test
    void theNewTableHasExactlyTheOldTablesPrivileges(TestDatabase db) {
        db.execute("DROP ROLE IF EXISTS acl_reader_" + db.name(), "CREATE ROLE acl_reader_" + db.name(),
                "CREATE TABLE guarded (id int PRIMARY KEY, v int)",
                "INSERT INTO guarded SELECT g, g FROM generate_series(1, 500) g",
                "REVOKE TRUNCATE ON guarded FROM CURRENT_USER",
                "ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT ON TABLES TO acl_reader_" + db.name());
        Oracle.mirror(db, "guarded", "guarded_mirror");
        db.execute("REVOKE ALL ON guarded_mirror FROM acl_reader_" + db.name(),
                "REVOKE TRUNCATE ON guarded_mirror FROM CURRENT_USER");
        try {
            String acl = "SELECT coalesce(relacl, acldefault('r', relowner))::text FROM pg_class WHERE oid = '%s'::regclass";
            String before = db.scalar(String.format(acl, "guarded"));
            assertEquals(before, db.scalar(String.format(acl, "guarded_mirror")));
            migrate(db, "guarded", "ALTER COLUMN v TYPE bigint", new MigrationListener() { });
            assertEquals(before, db.scalar(String.format(acl, "guarded")));
            assertEquals("f", db.scalar("SELECT has_table_privilege('acl_reader_" + db.name()
                    + "', 'guarded', 'SELECT')"));
        } finally {
            db.execute("ALTER DEFAULT PRIVILEGES REVOKE SELECT, INSERT ON TABLES FROM acl_reader_" + db.name());
        }
    }

    @Test
    void aCaptureSwitchedOffAndOnAgainStopsTheMigrationBeforeTheSwap(TestDatabase db) {
        db.execute("CREATE TABLE loaded (id int PRIMARY KEY, v int)",
                "INSERT INTO loaded SELECT g, g FROM generate_series(1, 3000) g");
        // As pg_restore --disable-triggers does; with verification off, only the capture's state can tell.
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("loaded").alter("ALTER COLUMN v TYPE bigint")
                .options(Options.defaults().withVerify(false))
                .listener(at(Phase.INDEX, db, "ALTER TABLE loaded DISABLE TRIGGER ALL",
                        "UPDATE loaded SET v = -1 WHERE id = 10", "ALTER TABLE loaded ENABLE TRIGGER ALL"))
                .build().run());
        assertEquals(Reason.CAPTURE_DISABLED, e.reason());
        assertTrue(e.getMessage().contains("loaded"), e.getMessage());
        assertEquals("integer", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'loaded'::regclass AND attname = 'v'"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'loaded'::regclass"
                + " AND NOT tgisinternal"));
    }

    @Test
    void aTruncateBetweenVerificationsSnapshotAndItsScanIsRetried(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE emptied (id int PRIMARY KEY, v int)",
                "INSERT INTO emptied SELECT g, g FROM generate_series(1, 3000) g");
        Thread[] truncater = new Thread[1];
        Exception[] failure = new Exception[1];
        MigrationListener truncateInTheMiddle = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase != Phase.VERIFY || truncater[0] != null) {
                    return;
                }
                // Holds the table so that verification takes its snapshot, then waits to scan; the TRUNCATE
                // commits in between.
                try {
                    Connection c = db.connect();
                    c.setAutoCommit(false);
                    Statement st = c.createStatement();
                    st.execute("LOCK TABLE emptied IN ACCESS EXCLUSIVE MODE");
                    truncater[0] = new Thread(() -> {
                        try (c; st) {
                            Thread.sleep(1_500);
                            st.execute("TRUNCATE emptied");
                            c.commit();
                        } catch (Exception e) {
                            failure[0] = e;
                        }
                    });
                    truncater[0].start();
                } catch (Exception e) {
                    failure[0] = e;
                }
            }
        };
        Result r = migrate(db, "emptied", "ALTER COLUMN v TYPE bigint", truncateInTheMiddle);
        truncater[0].join();
        assertNull(failure[0]);
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        assertEquals(0, db.count("SELECT count(*) FROM emptied"));
        assertEquals(0, r.verify().shadowRows());
    }

    /**
     * "One e-mail per account" while the application hands e-mails from account to account and swaps them: during
     * the copy a value moves from a copied row to one not yet copied (the shadow holds it twice until replay), and
     * one replay batch holds both rows of a swap.
     */
    @Test
    void uniqueValuesMovingAndSwappingBetweenRowsUnderLoad(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE accounts (id int PRIMARY KEY, email text UNIQUE, v int)",
                "INSERT INTO accounts SELECT g, 'e' || g, g FROM generate_series(1, 30000) g",
                "CREATE OR REPLACE FUNCTION hand_over(t text, a int, b int, swap boolean) RETURNS void LANGUAGE plpgsql"
                        + " AS $$ DECLARE ea text; eb text; BEGIN"
                        + " EXECUTE format('SELECT email FROM %I WHERE id = $1', t) INTO ea USING a;"
                        + " EXECUTE format('SELECT email FROM %I WHERE id = $1', t) INTO eb USING b;"
                        + " EXECUTE format('UPDATE %I SET email = NULL WHERE id IN ($1, $2)', t) USING a, b;"
                        + " EXECUTE format('UPDATE %I SET email = $1 WHERE id = $2', t) USING ea, b;"
                        + " IF swap THEN EXECUTE format('UPDATE %I SET email = $1 WHERE id = $2', t) USING eb, a; END IF;"
                        + " END $$");
        Oracle.mirror(db, "accounts", "accounts_mirror");
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread writer = new Thread(() -> {
            java.util.Random random = new java.util.Random(15);
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                while (running.get()) {
                    int a = 1 + random.nextInt(30000);
                    int b = 1 + random.nextInt(30000);
                    if (a == b) {
                        continue;
                    }
                    boolean swap = random.nextBoolean();
                    try {
                        for (String t : List.of("accounts", "accounts_mirror")) {
                            st.execute("SELECT hand_over('" + t + "', " + a + ", " + b + ", " + swap + ")");
                        }
                        c.commit();
                        done.incrementAndGet();
                    } catch (java.sql.SQLException e) {
                        c.rollback();
                        failures.add(e.getMessage());
                    }
                }
            } catch (java.sql.SQLException e) {
                failures.add(e.getMessage());
            }
        });
        writer.start();
        String alter = "ALTER COLUMN v TYPE bigint";
        Result r;
        try {
            r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("accounts").alter(alter)
                    .options(Options.defaults().withChunk(java.time.Duration.ofMillis(20), 200, 500)
                            .withSnapshotWait(java.time.Duration.ofSeconds(1))).build().run();
        } finally {
            running.set(false);
            writer.join();
        }
        assertTrue(failures.isEmpty(), "application writes failed: " + failures);
        assertTrue(done.get() > 100, "only " + done.get() + " hand-overs ran; the test proved little");
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        Oracle.blockingAlter(db, "accounts_mirror", alter);
        Oracle.assertSameRows(db, "accounts", "accounts_mirror");
    }

    /**
     * A policy of another table, a BEGIN ATOMIC function and a column of the table's row type follow its OID: a
     * swap would leave them reading the old table (then dropped). Refused up front, naming each.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"policy", "atomic", "rowtype"})
    void objectsBoundToTheTablesIdentityElsewhereAreRefusedUpFront(String kind, TestDatabase db) {
        String t = "bound_" + kind;
        db.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, owner_id int)",
                "INSERT INTO " + t + " SELECT g, g % 10 FROM generate_series(1, 100) g");
        String object = switch (kind) {
            case "policy" -> {
                db.execute("CREATE TABLE " + t + "_docs (id int, owner_id int)",
                        "ALTER TABLE " + t + "_docs ENABLE ROW LEVEL SECURITY",
                        "CREATE POLICY owners ON " + t + "_docs USING (EXISTS (SELECT 1 FROM " + t
                                + " o WHERE o.owner_id = " + t + "_docs.owner_id))");
                yield "policy owners on " + t + "_docs";
            }
            case "atomic" -> {
                db.execute("CREATE FUNCTION " + t + "_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*)"
                        + " FROM " + t + "; END");
                yield "function " + t + "_count()";
            }
            default -> {
                db.execute("CREATE TABLE " + t + "_snapshots (taken timestamptz, row_was " + t + ")");
                yield "column " + t + "_snapshots.row_was";
            }
        };
        DoppelException e = assertThrows(DoppelException.class, () -> migrate(db, t, "ALTER COLUMN owner_id TYPE bigint",
                MigrationListener.NONE));
        assertEquals(Reason.UNSUPPORTED_DEPENDENTS, e.reason());
        assertTrue(e.getMessage().contains(object + " is bound to public." + t), e.getMessage());
        assertEquals("integer", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = '" + t + "'::regclass AND attname = 'owner_id'"));
    }

    @Test
    void cleanupNeverEmptiesAnOldTableSomethingStillReads(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE retired (id int PRIMARY KEY, v int)",
                "INSERT INTO retired SELECT g, g FROM generate_series(1, 200) g");
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("retired")
                .alter("ALTER COLUMN v TYPE bigint").options(Options.defaults().withKeepOld(java.time.Duration.ofMillis(1)))
                .build().run();
        // Created after the swap against the retired table, as a report someone pointed at it would be.
        db.execute("CREATE FUNCTION retired_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM "
                + r.oldTable() + "; END");
        Thread.sleep(10);
        List<String> report = Migrations.on(db.dataSource()).cleanup();
        assertTrue(report.stream().anyMatch(l -> l.startsWith("kept " + r.oldTable() + ": function retired_count()")),
                report.toString());
        assertEquals("200", db.scalar("SELECT retired_count()"));
        db.execute("DROP FUNCTION retired_count()");
        report = Migrations.on(db.dataSource()).cleanup();
        assertTrue(report.stream().anyMatch(l -> l.startsWith("dropped " + r.oldTable())), report.toString());
    }
}
