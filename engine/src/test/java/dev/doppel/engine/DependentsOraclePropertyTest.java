package dev.doppel.engine;

import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.testing.TestDatabase;
import dev.doppel.engine.testing.TestPostgres;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The dependent-objects oracle: the same web of dependents (referencing tables, views on views, triggers, policies,
 * privileges, comments, options, statistics, publications) is built in two schemas; one table gets a blocking ALTER,
 * the other doppel; afterwards their catalog fingerprints and their data must be identical.
 */
@Tag("matrix")
class DependentsOraclePropertyTest {

    private static TestDatabase db;
    private static boolean filters;
    private static final AtomicInteger TRY = new AtomicInteger();

    /** Which dependents a web has, and the change. */
    record Web(long seed, List<String> features, String change, boolean rewrite) {
    }

    @BeforeContainer
    static void database() {
        db = TestPostgres.newDatabase("dependents_oracle");
        db.execute("DO $$ BEGIN CREATE ROLE doppel_oracle_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        filters = Integer.parseInt(db.scalar("SHOW server_version_num")) >= 150000;
    }

    @Property(tries = 40)
    void doppelLeavesTheSameCatalogAsABlockingAlter(@ForAll("webs") Web web) {
        int n = TRY.incrementAndGet();
        String blocking = "web_a" + n;
        String online = "web_b" + n;
        for (String schema : List.of(blocking, online)) {
            db.execute(build(schema, web).toArray(String[]::new));
        }
        dev.doppel.engine.oracle.Oracle.blockingAlter(db, blocking + ".t", web.change());
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table(online + ".t").alter(web.change())
                .options(Options.defaults().withKeepOld(java.time.Duration.ZERO).withRewrite(web.rewrite()
                        ? Options.Rewrite.ALWAYS : Options.Rewrite.WHEN_NEEDED)).build().run();
        assertEquals(CatalogFingerprint.of(db, blocking, "t"), CatalogFingerprint.of(db, online, "t"));
        dev.doppel.engine.oracle.Oracle.assertSameSequences(db, online + ".t", blocking + ".t");
        for (String table : List.of("t", "kid")) {
            if (db.scalar("SELECT to_regclass('" + blocking + "." + table + "')::text") != null) {
                assertEquals(0, db.count("SELECT count(*) FROM ((SELECT * FROM " + blocking + "." + table
                        + " EXCEPT ALL SELECT * FROM " + online + "." + table + ") UNION ALL (SELECT * FROM " + online
                        + "." + table + " EXCEPT ALL SELECT * FROM " + blocking + "." + table + ")) x"));
            }
        }
    }

    @Provide
    Arbitrary<Web> webs() {
        List<String> all = List.of("kid", "self", "view", "trigger", "rls", "grant", "comments", "index", "statistics",
                "options", "identity_full", "publication", "not_valid", "exclude", "serial");
        return Arbitraries.longs().flatMap(seed -> Arbitraries.subsetOf(all).flatMap(features -> {
            List<String> changes = new ArrayList<>(List.of("ALTER COLUMN a TYPE bigint",
                    "ADD COLUMN e int DEFAULT 1", "ALTER COLUMN c TYPE numeric(14,2)", "DROP COLUMN d",
                    "ALTER COLUMN b SET DEFAULT 'none'", "ALTER COLUMN a TYPE bigint, ADD COLUMN e text"));
            if (!features.contains("view") && !features.contains("publication")) {
                changes.add("ALTER COLUMN id TYPE bigint");
            }
            // Half the webs go through the shadow and swap even when PostgreSQL could change the table in place.
            return Arbitraries.of(changes).flatMap(change -> Arbitraries.of(true, false)
                    .map(rewrite -> new Web(seed, List.copyOf(features), change, rewrite)));
        }));
    }

    private static List<String> build(String s, Web web) {
        Random r = new Random(web.seed());
        List<String> sql = new ArrayList<>(List.of("CREATE SCHEMA " + s,
                "CREATE TABLE " + s + ".t (id int PRIMARY KEY, a int, b text, c numeric(10,2), d text"
                        + (web.features().contains("self") ? ", parent int REFERENCES " + s + ".t" : "") + ")",
                "INSERT INTO " + s + ".t (id, a, b, c, d) SELECT g, g % 97, 'b' || g % 13, g / 7.0, 'd'"
                        + " FROM generate_series(1, 400) g"));
        if (web.features().contains("self")) {
            sql.add("UPDATE " + s + ".t SET parent = id / 2 WHERE id > 1");
        }
        if (web.features().contains("kid")) {
            String action = List.of("CASCADE", "RESTRICT", "SET NULL", "NO ACTION").get(r.nextInt(4));
            sql.add("CREATE TABLE " + s + ".kid (id int PRIMARY KEY, t_id int REFERENCES " + s + ".t ON DELETE "
                    + action + ")");
            sql.add("INSERT INTO " + s + ".kid SELECT g, 1 + g % 400 FROM generate_series(1, 300) g");
        }
        if (web.features().contains("view")) {
            sql.add("CREATE VIEW " + s + ".v1 WITH (security_barrier) AS SELECT id, b FROM " + s + ".t WHERE id > 5");
            sql.add("CREATE VIEW " + s + ".v2 AS SELECT b, count(*) AS n FROM " + s + ".v1 GROUP BY b");
            sql.add("GRANT SELECT ON " + s + ".v2 TO doppel_oracle_reader");
            sql.add("COMMENT ON VIEW " + s + ".v1 IS 'visible rows'");
        }
        if (web.features().contains("trigger")) {
            sql.add("CREATE OR REPLACE FUNCTION " + s + ".touch() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN NEW.b := coalesce(NEW.b, 'touched'); RETURN NEW; END $$");
            sql.add("CREATE TRIGGER touch BEFORE INSERT ON " + s + ".t FOR EACH ROW EXECUTE FUNCTION " + s + ".touch()");
            String state = List.of("", "DISABLE TRIGGER touch", "ENABLE REPLICA TRIGGER touch",
                    "ENABLE ALWAYS TRIGGER touch").get(r.nextInt(4));
            if (!state.isEmpty()) {
                sql.add("ALTER TABLE " + s + ".t " + state);
            }
        }
        if (web.features().contains("rls")) {
            sql.add("ALTER TABLE " + s + ".t ENABLE ROW LEVEL SECURITY");
            if (r.nextBoolean()) {
                sql.add("ALTER TABLE " + s + ".t FORCE ROW LEVEL SECURITY");
            }
            sql.add("CREATE POLICY readers ON " + s + ".t FOR SELECT TO doppel_oracle_reader USING (b <> 'secret')");
        }
        if (web.features().contains("grant")) {
            sql.add("GRANT SELECT ON " + s + ".t TO doppel_oracle_reader");
            sql.add("GRANT UPDATE (b) ON " + s + ".t TO doppel_oracle_reader");
        }
        if (web.features().contains("comments")) {
            sql.add("COMMENT ON TABLE " + s + ".t IS 'the table'");
            sql.add("COMMENT ON COLUMN " + s + ".t.a IS 'column a'");
            sql.add("COMMENT ON CONSTRAINT t_pkey ON " + s + ".t IS 'the key'");
            if (web.features().contains("kid")) {
                sql.add("COMMENT ON CONSTRAINT kid_t_id_fkey ON " + s + ".kid IS 'whose kid'");
            }
        }
        if (web.features().contains("index")) {
            sql.add("CREATE INDEX t_b_lower ON " + s + ".t (lower(b))");
            sql.add("COMMENT ON INDEX " + s + ".t_b_lower IS 'case-insensitive lookups'");
            if (r.nextBoolean()) {
                sql.add("ALTER TABLE " + s + ".t CLUSTER ON t_b_lower");
            }
        }
        if (web.features().contains("statistics")) {
            sql.add("CREATE STATISTICS " + s + ".t_ab (dependencies) ON a, b FROM " + s + ".t");
            sql.add("ALTER TABLE " + s + ".t ALTER COLUMN b SET STATISTICS 300");
        }
        if (web.features().contains("options")) {
            sql.add("ALTER TABLE " + s + ".t SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.05)");
        }
        if (web.features().contains("not_valid")) {
            // Legacy rows break it: a blocking ALTER keeps it NOT VALID and the rows as they are.
            sql.add("ALTER TABLE " + s + ".t ADD CONSTRAINT t_small_c CHECK (c < 10) NOT VALID");
        }
        if (web.features().contains("exclude")) {
            sql.add("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public");
            sql.add("ALTER TABLE " + s + ".t ADD CONSTRAINT t_one_b_per_id EXCLUDE USING gist (id WITH =, b WITH =)");
        }
        if (web.features().contains("serial")) {
            sql.add("ALTER TABLE " + s + ".t ADD COLUMN ticket bigserial");
            sql.add("SELECT setval(pg_get_serial_sequence('" + s + ".t', 'ticket'), 5000)");
        }
        if (web.features().contains("identity_full")) {
            sql.add("ALTER TABLE " + s + ".t REPLICA IDENTITY FULL");
        }
        if (web.features().contains("publication")) {
            sql.add("CREATE PUBLICATION " + s + "_pub FOR TABLE " + s + ".t"
                    + (filters ? " (id, b) WHERE (b <> 'b3')" : ""));
        }
        return sql;
    }
}
