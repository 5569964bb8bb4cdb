package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets a clear, specific error and changes nothing. */
@PostgresTest
class RefusalsTest {

    /** Everything outside the doppel schema's state tables: relations, triggers, functions, and their shapes. */
    private static String databaseState(TestDatabase db) {
        return db.scalar("SELECT string_agg(x, E'\\n' ORDER BY x) FROM ("
                + " SELECT n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(("
                + "   SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod), ',' ORDER BY attnum)"
                + "   FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped), '') AS x"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
                + "   AND NOT (n.nspname = 'doppel' AND c.relname LIKE 'migration%')"
                + " UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal"
                + " UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
                + "   OR pronamespace::regnamespace::text = 'doppel') s");
    }

    private static DoppelException refused(TestDatabase db, String table, String alter) {
        String before = databaseState(db);
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table(table).alter(alter).build().run());
        assertEquals(before, databaseState(db), "a refused migration must leave the database as it was");
        return e;
    }

    @Test
    void missingTable(TestDatabase db) {
        DoppelException e = refused(db, "public.nowhere", "ADD COLUMN x int");
        assertEquals(Reason.TABLE_NOT_FOUND, e.reason());
        assertTrue(e.getMessage().contains("public.nowhere"), e.getMessage());
    }

    @Test
    void tableWithoutAKey(TestDatabase db) {
        db.execute("CREATE TABLE heap_only (a int, b text)", "CREATE UNIQUE INDEX ON heap_only (a)",
                "INSERT INTO heap_only VALUES (1, 'x')");
        DoppelException e = refused(db, "heap_only", "ALTER COLUMN a TYPE bigint");
        assertEquals(Reason.NO_USABLE_KEY, e.reason());
        assertTrue(e.getMessage().contains("public.heap_only has no primary key or non-null unique index"), e.getMessage());
    }

    @Test
    void unsupportedAlter(TestDatabase db) {
        db.execute("CREATE TABLE plain (id int PRIMARY KEY)");
        DoppelException e = refused(db, "plain", "OWNER TO postgres");
        assertEquals(Reason.UNSUPPORTED_ALTER, e.reason());
        assertTrue(e.getMessage().contains("ALTER [COLUMN] name [SET DATA] TYPE"), "lists what is supported: " + e.getMessage());
    }

    @Test
    void alterThatPostgresRejects(TestDatabase db) {
        db.execute("CREATE TABLE plain2 (id int PRIMARY KEY, v int)");
        DoppelException e = refused(db, "plain2", "ALTER COLUMN missing TYPE bigint");
        assertEquals(Reason.INVALID_ALTER, e.reason());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void injectedSecondStatement(TestDatabase db) {
        db.execute("CREATE TABLE victim (id int PRIMARY KEY, v int)");
        DoppelException e = refused(db, "victim", "ADD COLUMN x int; DROP TABLE victim");
        assertEquals(Reason.UNSUPPORTED_ALTER, e.reason());
    }

    @Test
    void changeThatDropsTheKey(TestDatabase db) {
        db.execute("CREATE TABLE keyed (id int PRIMARY KEY, v int)");
        DoppelException e = refused(db, "keyed", "DROP CONSTRAINT keyed_pkey, ALTER COLUMN id TYPE bigint");
        assertEquals(Reason.KEY_LOST, e.reason());
    }

    @Test
    void keyTransformThatReadsOtherColumns(TestDatabase db) {
        db.execute("CREATE TABLE keyed2 (id int PRIMARY KEY, v int)");
        DoppelException e = refused(db, "keyed2", "ALTER COLUMN id TYPE bigint USING (id + v)");
        assertEquals(Reason.UNSUPPORTED_KEY_CHANGE, e.reason());
    }

    @Test
    void dependentObjectsNotCarriedYet(TestDatabase db) {
        db.execute("CREATE TABLE viewed (id int PRIMARY KEY)", "CREATE VIEW viewed_plain AS SELECT * FROM viewed",
                "CREATE MATERIALIZED VIEW viewed_view AS SELECT * FROM viewed_plain");
        DoppelException view = refused(db, "viewed", "ALTER COLUMN id TYPE bigint");
        assertEquals(Reason.UNSUPPORTED_DEPENDENTS, view.reason());
        assertTrue(view.getMessage().contains("viewed_view"), view.getMessage());
        db.execute("CREATE TABLE published (id int PRIMARY KEY)", "CREATE PUBLICATION pub_all FOR ALL TABLES");
        try {
            DoppelException publication = refused(db, "published", "ALTER COLUMN id TYPE bigint");
            assertTrue(publication.getMessage().contains("pub_all is FOR ALL TABLES"), publication.getMessage());
            assertTrue(publication.getMessage().contains("replicate no table of pub_all"), publication.getMessage());
        } finally {
            db.execute("DROP PUBLICATION pub_all");
        }
    }

    @Test
    void viewsWithWhatARecreatedViewWouldLose(TestDatabase db) {
        db.execute("CREATE TABLE based (id int PRIMARY KEY, v text)", "CREATE VIEW based_v AS SELECT * FROM based",
                "CREATE MATERIALIZED VIEW based_m AS SELECT * FROM based_v");
        DoppelException matview = refused(db, "based", "ALTER COLUMN v TYPE varchar(10)");
        assertTrue(matview.getMessage().contains("materialized view based_m depends on public.based"),
                matview.getMessage());
        db.execute("DROP MATERIALIZED VIEW based_m", "CREATE FUNCTION based_ins() RETURNS trigger LANGUAGE plpgsql"
                + " AS $$ BEGIN RETURN NEW; END $$", "CREATE TRIGGER based_v_ins INSTEAD OF INSERT ON based_v"
                + " FOR EACH ROW EXECUTE FUNCTION based_ins()");
        DoppelException trigger = refused(db, "based", "ALTER COLUMN v TYPE varchar(10)");
        assertTrue(trigger.getMessage().contains("view with triggers based_v"), trigger.getMessage());
    }

    @Test
    void aViewThatWouldNoLongerCompile(TestDatabase db) {
        db.execute("CREATE TABLE shown (id int PRIMARY KEY, secret text, other text)",
                "CREATE VIEW shown_public AS SELECT id, secret FROM shown");
        DoppelException dropped = refused(db, "shown", "DROP COLUMN secret, ALTER COLUMN id TYPE bigint");
        assertEquals(Reason.VIEW_BREAKS, dropped.reason());
        assertTrue(dropped.getMessage().contains("view shown_public uses column secret, which the change drops"),
                dropped.getMessage());
        DoppelException renamed = refused(db, "shown", "RENAME COLUMN secret TO hidden, ALTER COLUMN id TYPE bigint");
        assertTrue(renamed.getMessage().contains("renames to hidden"), renamed.getMessage());
        db.execute("CREATE TABLE guarded (id int PRIMARY KEY, owner text)", "ALTER TABLE guarded ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY mine ON guarded USING (owner = current_user)");
        DoppelException policy = refused(db, "guarded", "RENAME COLUMN owner TO holder, ALTER COLUMN id TYPE bigint");
        assertTrue(policy.getMessage().contains("policy mine on table guarded uses column owner"), policy.getMessage());
    }

    @Test
    void theAlterNamesAnotherTable(TestDatabase db) {
        db.execute("CREATE TABLE mine (id int PRIMARY KEY)");
        DoppelException e = refused(db, "mine", "ALTER TABLE theirs ADD COLUMN x int");
        assertEquals(Reason.TABLE_MISMATCH, e.reason());
    }

    @Test
    void secondRunnerOnTheSameTable(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE busy (id int PRIMARY KEY)");
        long oid = Long.parseLong(db.scalar("SELECT 'busy'::regclass::oid"));
        try (Connection other = db.connect(); Statement st = other.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + new dev.doppel.engine.sql.ObjectNames(oid).advisoryKey() + ")");
            DoppelException e = refused(db, "busy", "ADD COLUMN x int");
            assertEquals(Reason.ALREADY_RUNNING, e.reason());
            assertTrue(e.getMessage().contains("public.busy"), e.getMessage());
        }
    }

    @Test
    void hostileIdentifiersAreQuotedEverywhere(TestDatabase db) {
        db.execute("CREATE SCHEMA \"Odd Schema\"",
                "CREATE TABLE \"Odd Schema\".\"Robert'); DROP TABLE x;--\" (\"Key \"\"Col\"\"\" int PRIMARY KEY,"
                        + " \"select\" numeric, \"ünï\" text)",
                "INSERT INTO \"Odd Schema\".\"Robert'); DROP TABLE x;--\" SELECT g, g, 'v' FROM generate_series(1, 500) g");
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource())
                .table("\"Odd Schema\".\"Robert'); DROP TABLE x;--\"")
                .alter("ALTER COLUMN \"Key \"\"Col\"\"\" TYPE bigint, ALTER COLUMN \"select\" TYPE bigint USING"
                        + " (\"select\" * 2)::bigint, RENAME COLUMN \"ünï\" TO \"Über\"").build().run();
        assertEquals(500, r.rowsCopied());
        assertEquals("1000", db.scalar("SELECT \"select\" FROM \"Odd Schema\".\"Robert'); DROP TABLE x;--\""
                + " WHERE \"Key \"\"Col\"\"\" = 500"));
    }

    @Test
    void failingUsingExpressionNamesTheRowAndLeavesTheSourceUntouched(TestDatabase db) {
        db.execute("CREATE TABLE amounts (id int PRIMARY KEY, amount numeric)",
                "INSERT INTO amounts SELECT g, g FROM generate_series(1, 5000) g",
                "UPDATE amounts SET amount = 1e30 WHERE id = 3777");
        DoppelException e = refused(db, "amounts", "ALTER COLUMN amount TYPE bigint USING (amount * 100)::bigint");
        assertEquals(Reason.COPY_FAILED, e.reason());
        assertTrue(e.getMessage().contains("id=3777"), e.getMessage());
        assertTrue(e.getMessage().contains("bigint out of range"), e.getMessage());
        assertEquals("failed", db.scalar("SELECT outcome FROM doppel.migrations ORDER BY id DESC LIMIT 1"));
        assertEquals(5000, db.count("SELECT count(*) FROM amounts"));
    }
}
