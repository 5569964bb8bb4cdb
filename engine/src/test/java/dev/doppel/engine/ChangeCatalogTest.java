package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One named case per kind of change, column and key doppel supports: each must leave the table exactly as a
 * blocking ALTER TABLE leaves a mirror of it, rows and shape.
 */
@PostgresTest
@Tag("matrix")
class ChangeCatalogTest {

    /** These cases test the rewrite machinery, also for changes PostgreSQL could make in place. */
    static final Options REWRITE = Options.defaults().withRewrite(Options.Rewrite.ALWAYS);

    private static final String BASE = "CREATE TABLE %s (id int PRIMARY KEY, total numeric(12,2), status text NOT NULL,"
            + " note text, tags text[], doc jsonb);"
            + " INSERT INTO %s SELECT g, g * 1.5, 's' || (g % 5), CASE WHEN g % 7 = 0 THEN NULL"
            + " WHEN g % 50 = 0 THEN repeat(md5(g::text), 500) ELSE 'n' || g END, ARRAY['a', g::text],"
            + " jsonb_build_object('g', g, 'u', 'ü') FROM generate_series(1, 3000) g";

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("add column with default", BASE, "ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'"),
                Arguments.of("add nullable column", BASE, "ADD COLUMN extra int"),
                Arguments.of("add stored generated column", BASE,
                        "ADD COLUMN total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED"),
                Arguments.of("drop column", BASE, "DROP COLUMN note"),
                Arguments.of("type change with USING", BASE, "ALTER COLUMN total TYPE bigint USING (total * 100)::bigint"),
                Arguments.of("key int to bigint", BASE, "ALTER COLUMN id TYPE bigint"),
                Arguments.of("key USING over the key", BASE, "ALTER COLUMN id TYPE bigint USING (id::bigint * 10)"),
                Arguments.of("set and drop default", BASE, "ALTER COLUMN status SET DEFAULT 'new', ALTER COLUMN note DROP DEFAULT"),
                Arguments.of("set and drop not null", BASE, "ALTER COLUMN tags SET NOT NULL, ALTER COLUMN status DROP NOT NULL"),
                Arguments.of("rename column", BASE, "RENAME COLUMN note TO remark"),
                Arguments.of("rename then retype", BASE, "RENAME COLUMN status TO state, ALTER COLUMN total TYPE numeric(14,3)"),
                Arguments.of("add check constraint", BASE, "ADD CONSTRAINT total_positive CHECK (total >= 0)"),
                Arguments.of("add unnamed unique", BASE, "ADD UNIQUE (status, id)"),
                Arguments.of("add exclusion constraint", BASE, "ADD CONSTRAINT one_id EXCLUDE USING btree (id WITH =)"),
                Arguments.of("drop and re-add a check", BASE + "; ALTER TABLE %s ADD CONSTRAINT st CHECK (status <> '')",
                        "DROP CONSTRAINT st, ADD CONSTRAINT st CHECK (length(status) > 1)"),
                Arguments.of("primary key moves to a unique key", BASE + "; ALTER TABLE %s ADD COLUMN code text;"
                        + " UPDATE %s SET code = 'c' || id; ALTER TABLE %s ALTER COLUMN code SET NOT NULL;"
                        + " CREATE UNIQUE INDEX ON %s (code)",
                        "DROP CONSTRAINT %s_pkey, ADD PRIMARY KEY (code)"),
                Arguments.of("storage parameters", BASE, "SET (fillfactor = 70, autovacuum_enabled = false)"),
                Arguments.of("secondary index survives", BASE + "; CREATE INDEX ON %s (status); CREATE INDEX named_idx ON %s (lower(note))",
                        "ALTER COLUMN total TYPE numeric(20,4)"),
                Arguments.of("composite key", "CREATE TABLE %s (a int, b text, v numeric, PRIMARY KEY (a, b));"
                        + " INSERT INTO %s SELECT g % 10, 'b' || g, g FROM generate_series(1, 3000) g",
                        "ALTER COLUMN v TYPE bigint USING round(v)::bigint, ALTER COLUMN a TYPE bigint"),
                Arguments.of("uuid key", "CREATE TABLE %s (id uuid PRIMARY KEY, v int);"
                        + " INSERT INTO %s SELECT md5(g::text)::uuid, g FROM generate_series(1, 3000) g",
                        "ALTER COLUMN v TYPE bigint"),
                Arguments.of("text key", "CREATE TABLE %s (id text PRIMARY KEY, v int);"
                        + " INSERT INTO %s SELECT 'key ' || g, g FROM generate_series(1, 3000) g", "ADD COLUMN w int DEFAULT 1"),
                Arguments.of("timestamptz key", "CREATE TABLE %s (at timestamptz PRIMARY KEY, v int);"
                        + " INSERT INTO %s SELECT '2024-01-01'::timestamptz + g * interval '1 s', g FROM generate_series(1, 3000) g",
                        "ALTER COLUMN v TYPE text"),
                Arguments.of("numeric key", "CREATE TABLE %s (id numeric(20,3) PRIMARY KEY, v int);"
                        + " INSERT INTO %s SELECT g + 0.125, g FROM generate_series(1, 3000) g", "DROP COLUMN v, ADD COLUMN w text"),
                Arguments.of("unique not-null index as the key", "CREATE TABLE %s (id int NOT NULL, v int);"
                        + " CREATE UNIQUE INDEX ON %s (id); INSERT INTO %s SELECT g, g FROM generate_series(1, 3000) g",
                        "ALTER COLUMN v TYPE bigint"),
                Arguments.of("enum and domain columns", "CREATE TYPE %s_mood AS ENUM ('sad', 'ok', 'happy');"
                        + " CREATE DOMAIN %s_pos AS int CHECK (VALUE > 0);"
                        + " CREATE TABLE %s (id int PRIMARY KEY, mood %s_mood, p %s_pos);"
                        + " INSERT INTO %s SELECT g, (ARRAY['sad','ok','happy'])[1 + g % 3]::%s_mood, g FROM generate_series(1, 3000) g",
                        "ALTER COLUMN p TYPE bigint, ALTER COLUMN mood TYPE text"),
                Arguments.of("generated always identity key", "CREATE TABLE %s (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);"
                        + " INSERT INTO %s (v) SELECT 'v' || g FROM generate_series(1, 3000) g", "ALTER COLUMN v TYPE varchar(20)"),
                Arguments.of("serial key", "CREATE TABLE %s (id serial PRIMARY KEY, v text);"
                        + " INSERT INTO %s (v) SELECT 'v' || g FROM generate_series(1, 3000) g", "ALTER COLUMN id TYPE bigint"),
                Arguments.of("stored generated column kept", "CREATE TABLE %s (id int PRIMARY KEY, a int,"
                        + " twice int GENERATED ALWAYS AS (a * 2) STORED); INSERT INTO %s (id, a) SELECT g, g FROM generate_series(1, 3000) g",
                        "ALTER COLUMN id TYPE bigint, ADD COLUMN b int DEFAULT 7"),
                Arguments.of("several subcommands in one statement", BASE,
                        "ALTER COLUMN id TYPE bigint, ALTER COLUMN total TYPE bigint USING (total * 100)::bigint,"
                                + " DROP COLUMN tags, ADD COLUMN currency char(3) NOT NULL DEFAULT 'USD',"
                                + " ALTER COLUMN doc SET DEFAULT '{}'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void migratesLikeABlockingAlter(String name, String setup, String alter, TestDatabase db) {
        String table = "t_" + name.replaceAll("[^a-z]+", "_");
        // The mirror lives in its own schema under the same name, so the names PostgreSQL generates match.
        db.execute("CREATE SCHEMA IF NOT EXISTS oracle");
        db.execute(setup.replace("%s", table).split("; "));
        String change = alter.replace("%s", table);
        Oracle.mirror(db, table, "oracle." + table);
        Result result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(change)
                .options(REWRITE).build().run();
        Oracle.blockingAlter(db, "oracle." + table, change);
        Oracle.assertSameRows(db, table, "oracle." + table);
        Oracle.assertSameShape(db, table, "oracle." + table);
        assertEquals(db.count("SELECT count(*) FROM " + table), result.verify().sourceRows());
    }

    @Test
    void indexAndConstraintNamesAreTheOriginalsOrWhatPostgresWouldGenerate(TestDatabase db) {
        db.execute("CREATE TABLE named (id int CONSTRAINT named_key PRIMARY KEY, a int, b text)",
                "CREATE INDEX my_special_idx ON named (lower(b))", "CREATE INDEX ON named (a)",
                "ALTER TABLE named ADD CONSTRAINT a_small CHECK (a < 1000000)",
                "INSERT INTO named SELECT g, g, 'b' || g FROM generate_series(1, 1000) g");
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("named")
                .alter("ALTER COLUMN a TYPE bigint, ADD UNIQUE (b), ADD CHECK (id > 0)").build().run();
        assertEquals("my_special_idx, named_a_idx, named_b_key, named_key",
                db.scalar("SELECT string_agg(indexname, ', ' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'named'"));
        assertEquals("a_small, named_b_key, named_id_check, named_key", db.scalar("SELECT string_agg(conname, ', '"
                + " ORDER BY conname) FROM pg_constraint WHERE conrelid = 'named'::regclass AND contype <> 'n'"));
    }

    @Test
    void anAddedIdentityColumnNumbersTheExistingRowsAndContinues(TestDatabase db) {
        db.execute("CREATE TABLE numbered (id int PRIMARY KEY, v text)",
                "INSERT INTO numbered SELECT g, 'v' FROM generate_series(1, 1000) g");
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("numbered")
                .alter("ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY").build().run();
        assertEquals("1000 1 1000", db.scalar("SELECT count(DISTINCT seq) || ' ' || min(seq) || ' ' || max(seq) FROM numbered"));
        assertEquals("1001", db.scalar("INSERT INTO numbered (id, v) VALUES (5000, 'x') RETURNING seq"));
    }

    @Test
    void serialSequenceKeepsItsPositionAndMovesItsOwnership(TestDatabase db) {
        db.execute("CREATE TABLE tickets (id serial PRIMARY KEY, v text)",
                "INSERT INTO tickets (v) SELECT 'v' FROM generate_series(1, 500)");
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("tickets").alter("ALTER COLUMN id TYPE bigint")
                .options(REWRITE).build().run();
        assertEquals("501", db.scalar("INSERT INTO tickets (v) VALUES ('next') RETURNING id"));
        assertEquals("public.tickets_id_seq", db.scalar("SELECT pg_get_serial_sequence('tickets', 'id')"));
    }

    @Test
    void identityContinuesFromTheOldSequenceNotFromMaxKey(TestDatabase db) {
        db.execute("CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)",
                "INSERT INTO events (v) SELECT 'v' FROM generate_series(1, 500)",
                "DELETE FROM events WHERE id > 400");
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("events").alter("ADD COLUMN w int")
                .options(REWRITE).build().run();
        assertEquals("501", db.scalar("INSERT INTO events (v) VALUES ('next') RETURNING id"));
        assertEquals("public.events_id_seq", db.scalar("SELECT pg_get_serial_sequence('events', 'id')"));
    }

    @Test
    void grantsOwnerAndCommentsAreCarried(TestDatabase db) {
        db.execute("DO $$ BEGIN CREATE ROLE doppel_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "CREATE TABLE docs (id int PRIMARY KEY, body text)",
                "COMMENT ON TABLE docs IS 'the documents'", "COMMENT ON COLUMN docs.body IS 'the body'",
                "GRANT SELECT, UPDATE ON docs TO doppel_reader",
                "INSERT INTO docs SELECT g, 'b' FROM generate_series(1, 100) g");
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("docs").alter("ALTER COLUMN id TYPE bigint")
                .options(REWRITE).build().run();
        assertEquals("the documents", db.scalar("SELECT obj_description('docs'::regclass, 'pg_class')"));
        assertEquals("the body", db.scalar("SELECT col_description('docs'::regclass, 2)"));
        assertEquals("true", db.scalar("SELECT has_table_privilege('doppel_reader', 'docs', 'UPDATE')::text"));
        assertEquals("false", db.scalar("SELECT has_table_privilege('doppel_reader', 'docs', 'DELETE')::text"));
    }
}
