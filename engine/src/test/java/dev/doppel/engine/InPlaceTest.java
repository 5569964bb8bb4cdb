package dev.doppel.engine;

import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.TableShape;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** doppel rewrites only when it must: what PostgreSQL can change in the catalog, it changes in place. */
@PostgresTest
@Tag("matrix")
class InPlaceTest {

    private static final TableShape SHAPE = new TableShape(List.of(TableShape.KeyPart.INT),
            List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT, TableShape.ColumnKind.NUMERIC));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ADD COLUMN extra int", "ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'",
            "DROP COLUMN c1", "ALTER COLUMN c1 SET DEFAULT 'none'", "ALTER COLUMN c0 DROP DEFAULT",
            "RENAME COLUMN c1 TO label", "ALTER COLUMN c2 SET STATISTICS 500", "SET (fillfactor = 70)",
            "ADD CONSTRAINT c0_small CHECK (c0 < 10000000) NOT VALID",
            "ADD COLUMN note text, ALTER COLUMN c1 SET DEFAULT 'x', ALTER COLUMN c2 TYPE numeric(14,2)",
            "ADD UNIQUE (c0, k0)", "ADD CONSTRAINT c0_k0_unique UNIQUE (c0, k0) INCLUDE (c1) WITH (fillfactor = 80)"
                    + " DEFERRABLE INITIALLY DEFERRED", "ADD UNIQUE (k0, c0), ADD CONSTRAINT k0_positive CHECK (k0 > 0)"})
    void catalogOnlyChangesAreMadeInPlaceWhileWritersRun(String change, TestDatabase db) throws Exception {
        String table = "ip_" + Math.abs(change.hashCode());
        db.execute("CREATE SCHEMA IF NOT EXISTS oracle");
        Oracle.create(db, SHAPE, table, "oracle." + table, 3_000, 3);
        String filenode = db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = '" + table + "'::regclass");
        Result r;
        try (OracleWriters writers = new OracleWriters(db, SHAPE, table, "oracle." + table, 3_001).start(2, 4, 1)) {
            Thread.sleep(100);
            // Writes naming a dropped or renamed column would fail after the change, as after a blocking ALTER.
            boolean breaksWrites = change.startsWith("DROP COLUMN") || change.startsWith("RENAME");
            r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(change)
                    .listener(breaksWrites ? OnlineSchemaChangeEndToEndTest.pauseAtCutover(writers)
                            : MigrationListener.NONE).build().run();
            writers.pause();
            Oracle.assertNoFailures(writers);
            assertTrue(writers.slowestWriteMillis() < 1_000, "a write waited " + writers.slowestWriteMillis() + " ms");
        }
        assertEquals(Plan.Strategy.IN_PLACE, r.strategy());
        assertEquals(filenode, db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = '" + table + "'::regclass"),
                "no rewrite was promised");
        assertEquals(0, r.rowsCopied());
        Oracle.blockingAlter(db, "oracle." + table, change);
        Oracle.assertSameRows(db, table, "oracle." + table);
        Oracle.assertSameShape(db, table, "oracle." + table);
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'doppel'::regnamespace"
                + " AND (relname LIKE 'shadow%' OR relname LIKE 'log%' OR relname LIKE 'old%')"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ALTER COLUMN c0 TYPE bigint", "ADD COLUMN stamp timestamptz DEFAULT clock_timestamp()",
            "ADD COLUMN extra int, ADD UNIQUE (c0, k0)", "ALTER COLUMN c2 TYPE numeric(12,4)", "ADD CHECK (k0 > 0)",
            "ADD COLUMN extra int, ADD CONSTRAINT positive CHECK (k0 > 0)"})
    void changesThatRewriteOrScanGoThroughTheShadow(String change, TestDatabase db) {
        String table = "rw_" + Math.abs(change.hashCode());
        db.execute("CREATE TABLE " + table + " (k0 int PRIMARY KEY, c0 int, c1 text, c2 numeric(12,2))",
                "INSERT INTO " + table + " SELECT g, g, 't', g FROM generate_series(1, 500) g");
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(change).build().plan();
        assertEquals(Plan.Strategy.REWRITE, plan.strategy(), plan.why());
        assertTrue(plan.toText().contains("strategy     rewrite: in place, PostgreSQL would"), plan.toText());
    }

    @Test
    void checksForeignKeysAndNotNullAreValidatedWhileWritersGoOn(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE parents_ip (id int PRIMARY KEY)", "INSERT INTO parents_ip SELECT generate_series(1, 100)",
                "CREATE TABLE validated (id int PRIMARY KEY, parent int, amount int NOT NULL, label text)",
                "INSERT INTO validated SELECT g, 1 + g % 100, g, 'l' || g FROM generate_series(1, 5000) g");
        String filenode = db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = 'validated'::regclass");
        for (String change : java.util.List.of("ADD CONSTRAINT amount_positive CHECK (amount > 0)",
                "ADD CONSTRAINT parent_fk FOREIGN KEY (parent) REFERENCES parents_ip",
                "ALTER COLUMN label SET NOT NULL")) {
            Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("validated").alter(change)
                    .build().run();
            assertEquals(Plan.Strategy.IN_PLACE, r.strategy(), change);
        }
        assertEquals(filenode, db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = 'validated'::regclass"));
        assertEquals("amount_positive true, parent_fk true", db.scalar("SELECT string_agg(conname || ' ' || convalidated,"
                + " ', ' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'validated'::regclass AND contype IN ('c', 'f')"));
        assertEquals("true", db.scalar("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'validated'::regclass"
                + " AND attname = 'label'"));
    }

    @Test
    void validateConstraintScansInPlaceWhileWritersGoOnAndAFailureKeepsTheConstraint(TestDatabase db) {
        db.execute("CREATE TABLE to_validate (id int PRIMARY KEY, amount int)",
                "INSERT INTO to_validate SELECT g, g FROM generate_series(1, 2000) g",
                "ALTER TABLE to_validate ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID",
                "ALTER TABLE to_validate ADD CONSTRAINT amount_small CHECK (amount < 1000) NOT VALID");
        String filenode = db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = 'to_validate'::regclass");
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("to_validate")
                .alter("VALIDATE CONSTRAINT amount_positive").build().plan();
        assertEquals(Plan.Strategy.IN_PLACE, plan.strategy(), plan.why());
        assertTrue(plan.toText().contains("SHARE UPDATE EXCLUSIVE; writers go on"), plan.toText());
        assertTrue(!plan.toText().contains("ACCESS EXCLUSIVE"), plan.toText());
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("to_validate")
                .alter("VALIDATE CONSTRAINT amount_positive").build().run();
        assertEquals(Plan.Strategy.IN_PLACE, r.strategy());
        assertEquals(filenode, db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = 'to_validate'::regclass"));
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("to_validate").alter("VALIDATE CONSTRAINT amount_small").build().run());
        assertEquals(Reason.VALIDATION_FAILED, e.reason());
        // The user's constraint is theirs: a failed VALIDATE leaves it NOT VALID, as the blocking one would.
        assertEquals("amount_positive true, amount_small false", db.scalar("SELECT string_agg(conname || ' '"
                + " || convalidated, ', ' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'to_validate'::regclass"
                + " AND contype = 'c'"));
    }

    @Test
    void aFailedValidationLeavesTheTableAsItWas(TestDatabase db) {
        db.execute("CREATE TABLE unfit (id int PRIMARY KEY, amount int, note text)",
                "INSERT INTO unfit SELECT g, g - 10, CASE WHEN g = 7 THEN NULL ELSE 'n' END FROM generate_series(1, 500) g");
        DoppelException check = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("unfit").alter("ADD CONSTRAINT amount_positive CHECK (amount > 0)")
                .build().run());
        assertEquals(Reason.VALIDATION_FAILED, check.reason());
        DoppelException notNull = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("unfit").alter("ALTER COLUMN note SET NOT NULL").build().run());
        assertEquals(Reason.VALIDATION_FAILED, notNull.reason());
        assertEquals(0, db.count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'unfit'::regclass AND contype = 'c'"));
        assertEquals("false", db.scalar("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'unfit'::regclass"
                + " AND attname = 'note'"));
    }

    @Test
    void aPrimaryKeyOnNullableColumnsIsBuiltConcurrentlyAndProvenNotNullWithoutAScan(TestDatabase db) {
        for (String table : List.of("keyless_pk", "oracle.keyless_pk")) {
            db.execute("CREATE SCHEMA IF NOT EXISTS oracle", "CREATE TABLE " + table + " (a int, b text, c int NOT NULL)",
                    "INSERT INTO " + table + " SELECT g, 'b' || g, g FROM generate_series(1, 5000) g");
        }
        String filenode = db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = 'keyless_pk'::regclass");
        String change = "ADD PRIMARY KEY (a, b), ADD CONSTRAINT c_unique UNIQUE (c)";
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("keyless_pk").alter(change).build()
                .plan();
        assertTrue(plan.toText().contains("CREATE UNIQUE INDEX CONCURRENTLY"), plan.toText());
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("keyless_pk").alter(change).build()
                .run();
        assertEquals(Plan.Strategy.IN_PLACE, r.strategy());
        assertEquals(filenode, db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = 'keyless_pk'::regclass"));
        Oracle.blockingAlter(db, "oracle.keyless_pk", change);
        Oracle.assertSameRows(db, "keyless_pk", "oracle.keyless_pk");
        Oracle.assertSameShape(db, "keyless_pk", "oracle.keyless_pk");
        assertEquals("keyless_pk_pkey", db.scalar("SELECT conname FROM pg_constraint WHERE conrelid = 'keyless_pk'::regclass"
                + " AND contype = 'p'"));
    }

    @Test
    void aKeyReplacedByAWiderOneIsBuiltBesideItAndSwappedInPlaceWhileWritersRun(TestDatabase db) throws Exception {
        db.execute("CREATE SCHEMA IF NOT EXISTS oracle");
        Oracle.create(db, SHAPE, "rekeyed", "oracle.rekeyed", 3_000, 5);
        String filenode = db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = 'rekeyed'::regclass");
        String change = "DROP CONSTRAINT rekeyed_pkey, ADD CONSTRAINT rekeyed_pkey UNIQUE (k0, c0)";
        Result r;
        try (OracleWriters writers = new OracleWriters(db, SHAPE, "rekeyed", "oracle.rekeyed", 3_001).start(2, 4, 1)) {
            Thread.sleep(100);
            r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("rekeyed").alter(change).build().run();
            writers.pause();
            Oracle.assertNoFailures(writers);
        }
        assertEquals(Plan.Strategy.IN_PLACE, r.strategy());
        assertEquals(filenode, db.scalar("SELECT relfilenode::text FROM pg_class WHERE oid = 'rekeyed'::regclass"));
        Oracle.blockingAlter(db, "oracle.rekeyed", change);
        Oracle.assertSameRows(db, "rekeyed", "oracle.rekeyed");
        Oracle.assertSameShape(db, "rekeyed", "oracle.rekeyed");
    }

    @Test
    void aRewriteRefusesToCascadeFromADroppedKeyWithNothingChanged(TestDatabase db) {
        db.execute("CREATE TABLE cascaded (a int PRIMARY KEY, b int NOT NULL, note text)",
                "INSERT INTO cascaded SELECT g, g, 'n' FROM generate_series(1, 100) g",
                "CREATE TABLE cascaded_child (id int PRIMARY KEY, a int REFERENCES cascaded)");
        String before = CatalogFingerprint.of(db, "public", "cascaded");
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("cascaded").alter("ALTER COLUMN note TYPE varchar(1),"
                        + " DROP CONSTRAINT cascaded_pkey CASCADE, ADD PRIMARY KEY (a, b)").build().run());
        assertEquals(Reason.UNSUPPORTED_ALTER, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("cascaded_child_a_fkey"), e.getMessage());
        assertEquals(before, CatalogFingerprint.of(db, "public", "cascaded"));
    }

    @Test
    void duplicatesEndAConcurrentBuildWithTheInvalidIndexDroppedAndTheTableAsItWas(TestDatabase db) {
        db.execute("CREATE TABLE dupes (id int PRIMARY KEY, email text, n int)",
                "INSERT INTO dupes SELECT g, 'e' || (g % 4000), g FROM generate_series(1, 5000) g");
        String before = CatalogFingerprint.of(db, "public", "dupes");
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("dupes").alter("ALTER COLUMN n SET NOT NULL, ADD UNIQUE (email)")
                .build().run());
        assertEquals(Reason.VALIDATION_FAILED, e.reason());
        assertTrue(e.getMessage().contains("is duplicated"), e.getMessage());
        assertEquals(before, CatalogFingerprint.of(db, "public", "dupes"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_index WHERE indrelid = 'dupes'::regclass AND NOT indisvalid"));
    }

    @Test
    void anIndexAKilledRunLeftHalfBuiltIsDroppedBeforeBuildingAgain(TestDatabase db) {
        db.execute("CREATE TABLE half_built (id int PRIMARY KEY, email text)",
                "INSERT INTO half_built SELECT g, 'e' || (g % 10) FROM generate_series(1, 100) g");
        String oid = db.scalar("SELECT 'half_built'::regclass::oid::text");
        assertThrows(RuntimeException.class, () -> db.execute("CREATE UNIQUE INDEX CONCURRENTLY doppel_build_" + oid
                + "_0 ON half_built (email)"));
        assertEquals(1, db.count("SELECT count(*) FROM pg_index WHERE indrelid = 'half_built'::regclass AND NOT indisvalid"));
        db.execute("UPDATE half_built SET email = 'e' || id");
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("half_built")
                .alter("ADD CONSTRAINT email_unique UNIQUE (email)").build().run();
        assertEquals(Plan.Strategy.IN_PLACE, r.strategy());
        assertEquals("email_unique", db.scalar("SELECT string_agg(c.relname, ',') FROM pg_index x JOIN pg_class c"
                + " ON c.oid = x.indexrelid WHERE x.indrelid = 'half_built'::regclass AND NOT x.indisprimary"));
    }

    @Test
    void aTableWithoutAKeyCanStillBeChangedInPlace(TestDatabase db) {
        db.execute("CREATE TABLE keyless (a int, b text)", "INSERT INTO keyless VALUES (1, 'x')");
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("keyless")
                .alter("ADD COLUMN c int DEFAULT 3").build().run();
        assertEquals(Plan.Strategy.IN_PLACE, r.strategy());
        assertEquals("3", db.scalar("SELECT c FROM keyless"));
    }

    @Test
    void forbiddingARewriteRefusesAChangeThatNeedsOne(TestDatabase db) {
        db.execute("CREATE TABLE frozen (id int PRIMARY KEY, v int)");
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("frozen").alter("ALTER COLUMN v TYPE bigint")
                .options(Options.defaults().withRewrite(Options.Rewrite.NEVER)).build().plan());
        assertEquals(Reason.REWRITE_NEEDED, e.reason());
        assertTrue(e.getMessage().contains("the table"), e.getMessage());
    }
}
