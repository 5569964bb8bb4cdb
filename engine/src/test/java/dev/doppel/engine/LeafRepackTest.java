package dev.doppel.engine;

import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.PartitionedMirror;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One partition repacked alone (issue #17): the copy takes its place by DETACH and ATTACH PARTITION. Under writers
 * that insert, move rows between partitions and delete, the tree equals its untouched mirror, partition by
 * partition, in rows and catalog, and nothing of doppel's is left.
 */
@PostgresTest
class LeafRepackTest {

    /** A range leaf, a hash leaf two levels down (fillfactor, a grant) and the default partition. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"events_a", "events_b0", "events_rest"})
    void oneLeafRepackedUnderWritersLeavesTheTreeAsItWas(String leaf, TestDatabase db) throws Exception {
        String schema = "leaf_" + leaf.substring(7);
        PartitionedMirror.create(db, schema, schema + "_mirror", 6_000, 4);
        db.execute("INSERT INTO " + schema + ".events SELECT g, g, 'rest' FROM generate_series(7000, 7500) g",
                "INSERT INTO " + schema + "_mirror.events SELECT g, g, 'rest' FROM generate_series(7000, 7500) g",
                "CREATE INDEX " + leaf + "_own ON " + schema + "." + leaf + " (c1)",
                "CREATE INDEX " + leaf + "_own ON " + schema + "_mirror." + leaf + " (c1)",
                "COMMENT ON TABLE " + schema + "." + leaf + " IS 'kept'",
                "COMMENT ON TABLE " + schema + "_mirror." + leaf + " IS 'kept'");
        long oid = db.count("SELECT '" + schema + "." + leaf + "'::regclass::oid");
        String tree = tree(db, schema);
        Result result;
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, schema + ".events",
                schema + "_mirror.events", 7_501).start(3, 9, 0)) {
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table(schema + "." + leaf).repack(null)
                    .options(OnlineSchemaChangeEndToEndTest.busyTableOptions().withKeepOld(Duration.ZERO)).build()
                    .run();
            Thread.sleep(200);
            writers.close();
            PartitionedOracleTest.assertOnlyPartitionMoveConflicts(writers);
        }
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertTrue(db.count("SELECT '" + schema + "." + leaf + "'::regclass::oid") != oid,
                "the partition was rewritten");
        assertEquals(tree, tree(db, schema), "the tree's partitions, bounds and indexes are as before");
        PartitionedMirror.assertSameTree(db, schema, schema + "_mirror");
        assertNull(db.scalar("SELECT string_agg(relname, ', ') FROM pg_class WHERE relnamespace ="
                + " 'doppel'::regnamespace AND relname ~ '_" + oid + "(_|$)'"), "nothing is left in doppel's schema");
        assertEquals(0, db.count("SELECT count(*) FROM pg_constraint WHERE conname LIKE 'doppel%" + oid + "%'"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'doppel%" + oid + "%'"));
    }

    @Test
    void orderByWritesTheLeafsRowsInThatOrder(TestDatabase db) {
        PartitionedMirror.create(db, "ord", "ord_mirror", 4_000, 5);
        Result result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("ord.events_a").repack("c1")
                .options(Options.defaults().withSnapshotWait(Duration.ofSeconds(1))).build().run();
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals(0, db.count("SELECT count(*) FROM (SELECT c1, lag(c1) OVER (ORDER BY ctid) AS previous"
                + " FROM ord.events_a) t WHERE previous > c1"), "the partition's rows are in the order of c1");
        PartitionedMirror.assertSameTree(db, "ord", "ord_mirror");
    }

    @Test
    void thePlanShowsTheDetachAndTheParentsLock(TestDatabase db) {
        PartitionedMirror.create(db, "pl", "pl_mirror", 500, 6);
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("pl.events_b1").repack(null)
                .build().plan();
        String cutover = plan.schedule().stream().filter(s -> s.action().startsWith("cut-over"))
                .map(s -> s.action() + " | " + s.lock()).collect(Collectors.joining());
        assertTrue(cutover.contains("DETACH PARTITION pl.events_b1 from pl.events_b")
                && cutover.contains("FOR VALUES WITH (modulus 2, remainder 1)")
                && cutover.contains("ACCESS EXCLUSIVE on pl.events_b and pl.events_b1"), cutover);
        assertTrue(plan.why().contains("a partition of pl.events_b alone"), plan.why());
        String guarded = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("pl.events_a").repack(null)
                .build().plan().schedule().stream().filter(s -> s.action().startsWith("cut-over")).findFirst()
                .orElseThrow().effect();
        assertTrue(guarded.contains("a CHECK on the default partition pl.events_rest"), guarded);
    }

    @Test
    void refusalsChangeNothing(TestDatabase db) {
        PartitionedMirror.create(db, "rf", "rf_mirror", 500, 7);
        db.execute("CREATE TABLE rf.child (id int PRIMARY KEY, e int REFERENCES rf.events (k0))",
                "CREATE TABLE rf.lookup (id int PRIMARY KEY)",
                "CREATE TABLE rf_mirror.child (id int PRIMARY KEY, e int REFERENCES rf_mirror.events (k0))");
        String before = tree(db, "rf");
        DoppelException partitioned = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("rf.events_b").repack(null).build().run());
        assertEquals(Reason.UNSUPPORTED_DEPENDENTS, partitioned.reason());
        assertTrue(partitioned.getMessage().contains("run it on each of its leaves (rf.events_b0, rf.events_b1)"),
                partitioned.getMessage());
        DoppelException inbound = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("rf.events_a").repack(null).build().run());
        assertEquals(Reason.UNSUPPORTED_DEPENDENTS, inbound.reason());
        assertTrue(inbound.getMessage().contains("foreign key child_e_fkey of rf.child references the partitioned"
                + " table") && inbound.getMessage().contains("doppel run --table rf.events"), inbound.getMessage());
        DoppelException altered = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("rf.events_a").alter("ALTER COLUMN c0 TYPE bigint").build().run());
        assertEquals(Reason.UNSUPPORTED_DEPENDENTS, altered.reason());
        assertTrue(altered.getMessage().contains("a partition's columns must match its parent's"),
                altered.getMessage());
        assertEquals(before, tree(db, "rf"));
        db.execute("DROP TABLE rf.child", "INSERT INTO rf.lookup SELECT DISTINCT c0 FROM rf.events WHERE c0 IS NOT"
                + " NULL", "ALTER TABLE rf.events ADD CONSTRAINT to_lookup FOREIGN KEY (c0) REFERENCES rf.lookup (id)");
        String withKey = tree(db, "rf");
        DoppelException outbound = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("rf.events_a").repack(null).build().run());
        assertEquals(Reason.UNSUPPORTED_DEPENDENTS, outbound.reason());
        assertTrue(outbound.getMessage().contains("foreign key to_lookup of rf.events_a would be validated"),
                outbound.getMessage());
        DoppelException logical = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("rf.events_rest").repack(null)
                .options(Options.defaults().withCapture(Options.Capture.LOGICAL)).build().run());
        assertEquals(Reason.PARTITIONED_UNSUPPORTED, logical.reason());
        assertEquals(withKey, tree(db, "rf"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'doppel' AND c.relname ~ ('_(' || (SELECT string_agg(oid::text, '|')"
                + " FROM pg_class"
                + " WHERE relnamespace = 'rf'::regnamespace) || ')(_|$)')"), "doppel created nothing");
    }

    /**
     * What hangs off the partition itself goes with it: its own trigger and the parent's (cloned by ATTACH, not
     * twice), row security and a policy, privileges on the table and a column, another owner, a statistics target,
     * an extended statistics object, replica identity, storage options, a unique index of the parent's.
     */
    @Test
    void whatHangsOffThePartitionIsCarried(TestDatabase db) {
        PartitionedMirror.create(db, "car", "car_mirror", 2_000, 8);
        for (String s : new String[] {"car", "car_mirror"}) {
            db.execute("CREATE FUNCTION " + s + ".touch() RETURNS trigger LANGUAGE plpgsql"
                            + " AS $$BEGIN RETURN NEW; END$$",
                    "CREATE TRIGGER on_tree BEFORE INSERT ON " + s + ".events FOR EACH ROW EXECUTE FUNCTION "
                            + s + ".touch()",
                    "CREATE TRIGGER on_leaf BEFORE UPDATE ON " + s + ".events_a FOR EACH ROW EXECUTE FUNCTION "
                            + s + ".touch()",
                    "ALTER TABLE " + s + ".events_a ENABLE ROW LEVEL SECURITY",
                    "CREATE POLICY mine ON " + s + ".events_a USING (c0 IS NOT NULL)",
                    "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'leaf_owner') THEN"
                            + " CREATE ROLE leaf_owner; END IF; END$$",
                    "GRANT SELECT (c1) ON " + s + ".events_a TO leaf_owner",
                    "GRANT INSERT ON " + s + ".events_a TO PUBLIC",
                    "ALTER TABLE " + s + ".events_a ALTER COLUMN c1 SET STATISTICS 500",
                    "CREATE STATISTICS " + s + ".a_stats ON c0, c1 FROM " + s + ".events_a",
                    "ALTER TABLE " + s + ".events_a REPLICA IDENTITY FULL",
                    "ALTER TABLE " + s + ".events_a SET (fillfactor = 80, autovacuum_enabled = false)",
                    "CREATE UNIQUE INDEX events_k0_c0 ON " + s + ".events (k0, c0)",
                    "ALTER TABLE " + s + ".events_a OWNER TO leaf_owner");
        }
        Result result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("car.events_a").repack(null)
                .options(Options.defaults().withSnapshotWait(Duration.ofSeconds(1))).build().run();
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        PartitionedMirror.assertSameTree(db, "car", "car_mirror");
        assertEquals(1, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'car.events_a'::regclass"
                + " AND tgname = 'on_tree'"));
    }

    /**
     * Stopped after the check that spares ATTACH its scan of the default partition went on: abort takes it off
     * again, and the tree is as it was, OIDs included.
     */
    @Test
    void stoppedWithTheDefaultPartitionGuardedThenAbortedLeavesTheTreeAsItWas(TestDatabase db) {
        PartitionedMirror.create(db, "grd", "grd_mirror", 1_000, 9);
        String before = tree(db, "grd") + db.rows("SELECT relname, oid::text FROM pg_class WHERE relnamespace ="
                + " 'grd'::regnamespace ORDER BY 1");
        boolean[] guarded = new boolean[1];
        MigrationListener stop = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                guarded[0] |= detail.startsWith("checking that the default partition");
            }

            @Override
            public void backlog(long entries) {
                if (guarded[0]) {
                    assertEquals(1, db.count("SELECT count(*) FROM pg_constraint WHERE conrelid ="
                            + " 'grd.events_rest'::regclass AND conname LIKE 'doppel_outside_%' AND convalidated"));
                    throw new IllegalStateException("stopped by the test");
                }
            }
        };
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("grd.events_a").repack(null).options(Options.defaults()
                        .withSnapshotWait(Duration.ofSeconds(1))).listener(stop).build().run());
        assertEquals(Reason.STOPPED, e.reason(), e.getMessage());
        assertTrue(guarded[0]);
        Migrations.on(db.dataSource()).abort(Migrations.on(db.dataSource()).list().get(0).id());
        assertEquals(before, tree(db, "grd") + db.rows("SELECT relname, oid::text FROM pg_class WHERE relnamespace ="
                + " 'grd'::regnamespace ORDER BY 1"));
        PartitionedMirror.assertSameTree(db, "grd", "grd_mirror");
        assertEquals(0, db.count("SELECT count(*) FROM pg_constraint WHERE conname LIKE 'doppel%' AND conrelid IN"
                + " (SELECT oid FROM pg_class WHERE relnamespace = 'grd'::regnamespace)"));
    }

    /**
     * An identity column of the partitioned table (from PostgreSQL 17 on, each partition's column is identity too,
     * drawing on the parent's sequence): the repacked partition keeps it, and the sequence goes on.
     */
    @Test
    void anIdentityColumnOfTheTreeGoesOn(TestDatabase db) {
        for (String s : new String[] {"idt", "idt_mirror"}) {
            db.execute("CREATE SCHEMA " + s, "CREATE TABLE " + s + ".t (id bigint GENERATED ALWAYS AS IDENTITY,"
                            + " at int NOT NULL, v text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                    "CREATE TABLE " + s + ".t_1 PARTITION OF " + s + ".t FOR VALUES FROM (0) TO (100)",
                    "CREATE TABLE " + s + ".t_2 PARTITION OF " + s + ".t FOR VALUES FROM (100) TO (200)",
                    "INSERT INTO " + s + ".t (at, v) SELECT g % 200, 'x' FROM generate_series(1, 1000) g");
        }
        Result result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("idt.t_1").repack(null)
                .options(Options.defaults().withSnapshotWait(Duration.ofSeconds(1))).build().run();
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        db.execute("INSERT INTO idt.t (at, v) VALUES (5, 'after')",
                "INSERT INTO idt_mirror.t (at, v) VALUES (5, 'after')");
        for (String t : new String[] {"t", "t_1", "t_2"}) {
            assertEquals(CatalogFingerprint.of(db, "idt_mirror", t), CatalogFingerprint.of(db, "idt", t), t);
            Oracle.assertSameRows(db, "idt." + t, "idt_mirror." + t);
        }
    }

    /** Each relation of the tree with its bound and its indexes' names and parents. */
    static String tree(TestDatabase db, String schema) {
        return db.rows("SELECT c.relname, coalesce(pg_get_expr(c.relpartbound, c.oid), '-'), (SELECT string_agg("
                + " i.relname || '<' || coalesce((SELECT p.relname FROM pg_inherits h JOIN pg_class p"
                + " ON p.oid = h.inhparent WHERE h.inhrelid = i.oid), '-'), ',' ORDER BY i.relname) FROM pg_index x"
                + " JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid) FROM pg_class c"
                + " WHERE c.relnamespace = '" + schema + "'::regnamespace AND c.relkind IN ('r', 'p')"
                + " AND c.relname LIKE 'events%'"
                + " ORDER BY 1")
                .stream().map(r -> String.join(" ", r) + "\n" + CatalogFingerprint.of(db, schema, r.get(0)))
                .collect(Collectors.joining("\n"));
    }
}
