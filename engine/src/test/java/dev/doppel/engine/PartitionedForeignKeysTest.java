package dev.doppel.engine;

import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.PartitionedMirror;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Foreign keys to and from a partitioned table: the tree's own keys (those it had and one the change adds), a plain
 * table's and a partitioned table's keys referencing it. Under writers, the tables doppel leaves equal the ones a
 * blocking ALTER leaves, each key valid and each partition's part of a key adopted by the partitioned table's.
 */
@PostgresTest
@Tag("matrix")
class PartitionedForeignKeysTest {

    private static final String ALTER = "ALTER COLUMN c0 TYPE bigint,"
            + " ADD CONSTRAINT events_k0_listed FOREIGN KEY (k0) REFERENCES public.listed (id)";

    @Test
    void keysToAndFromATreeUnderWritersEqualTheBlockingAlter(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "fk", "fk_mirror", 4_000, 21);
        db.execute("CREATE TABLE public.keys (id int PRIMARY KEY)",
                "INSERT INTO public.keys SELECT generate_series(1, 300000)",
                "CREATE TABLE public.listed (id int PRIMARY KEY)",
                "INSERT INTO public.listed SELECT id FROM public.keys");
        for (String s : List.of("fk", "fk_mirror")) {
            db.execute("ALTER TABLE " + s + ".events ADD CONSTRAINT events_k0_key FOREIGN KEY (k0)"
                            + " REFERENCES public.keys (id) ON DELETE CASCADE",
                    "COMMENT ON CONSTRAINT events_k0_key ON " + s + ".events IS 'every key is known'",
                    "CREATE TABLE " + s + ".notes (id int PRIMARY KEY, event int REFERENCES " + s + ".events (k0)"
                            + " ON DELETE CASCADE ON UPDATE CASCADE)",
                    "INSERT INTO " + s + ".notes SELECT g, g * 3 FROM generate_series(1, 1000) g",
                    "CREATE TABLE " + s + ".tags (id int, event int, PRIMARY KEY (id), CONSTRAINT tags_event"
                            + " FOREIGN KEY (event) REFERENCES " + s + ".events (k0) ON DELETE CASCADE"
                            + " ON UPDATE CASCADE) PARTITION BY RANGE (id)",
                    "CREATE TABLE " + s + ".tags_low PARTITION OF " + s + ".tags FOR VALUES FROM (MINVALUE) TO (500)",
                    "CREATE TABLE " + s + ".tags_high PARTITION OF " + s + ".tags FOR VALUES FROM (500) TO (MAXVALUE)",
                    "INSERT INTO " + s + ".tags SELECT g, g * 2 FROM generate_series(1, 1000) g");
        }
        Result result;
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "fk.events", "fk_mirror.events",
                4_001).start(3, 7, 0)) {
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("fk.events").alter(ALTER)
                    .options(OnlineSchemaChangeEndToEndTest.busyTableOptions()).build().run();
            Thread.sleep(200);
            writers.close();
            PartitionedOracleTest.assertOnlyPartitionMoveConflicts(writers);
        }
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals(List.of(), result.warnings().stream().filter(w -> w.contains("foreign key")).toList());
        Oracle.blockingAlter(db, "fk_mirror.events", ALTER);
        PartitionedMirror.assertSameTree(db, "fk", "fk_mirror");
        assertTrue(db.count("SELECT count(*) FROM fk.notes") < 1000, "the writers' deletes reached notes");
        // Each leaf's part of a key is the one the swap added, adopted by the partitioned table's: not a second one.
        assertEquals(0, db.count("SELECT count(*) FROM pg_constraint c JOIN pg_partition_tree('fk.events') t"
                + " ON t.relid = c.conrelid WHERE c.contype = 'f' AND (NOT c.convalidated"
                + " OR (t.level > 0 AND c.conparentid = 0))"));
        assertEquals(8, db.count("SELECT count(*) FROM pg_constraint c JOIN pg_partition_tree('fk.events') t"
                + " ON t.relid = c.conrelid WHERE c.contype = 'f' AND t.isleaf"), "two keys on each of four leaves");
    }

    /** Rows that slipped past the key (written with triggers off) fail one leaf's validation after the swap. */
    @Test
    void aPartitionWhoseRowsFailTheKeyKeepsItNotValidAndTheTableGoesWithoutIt(TestDatabase db) {
        PartitionedMirror.create(db, "bad", "bad_mirror", 500, 5);
        db.execute("CREATE TABLE bad.keys (id int PRIMARY KEY)", "INSERT INTO bad.keys SELECT generate_series(1, 600)",
                "ALTER TABLE bad.events ADD CONSTRAINT events_k0_key FOREIGN KEY (k0) REFERENCES bad.keys (id)");
        MigrationListener slip = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.AFTER) {
                    db.execute("SET session_replication_role = replica; INSERT INTO bad.events VALUES (-5, 1, 'x');"
                            + " RESET session_replication_role");
                }
            }
        };
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("bad.events")
                .alter("ALTER COLUMN c0 TYPE bigint")
                .options(Options.defaults().withSnapshotWait(Duration.ofSeconds(1)))
                .listener(slip).build().run();
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("events_k0_key on \"bad\".\"events_a\""
                + " stays NOT VALID")),
                r.warnings().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("holds on each partition of \"bad\".\"events\""
                + " but not on the table itself")), r.warnings().toString());
        assertEquals(0, db.count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'bad.events'::regclass"
                + " AND contype = 'f'"), "the partitioned table goes without the key");
        assertEquals(List.of(List.of("bad.events_a", "false"), List.of("bad.events_b0", "true"),
                List.of("bad.events_b1", "true"), List.of("bad.events_rest", "true")), db.rows("SELECT"
                + " c.conrelid::regclass::text, c.convalidated::text FROM pg_constraint c"
                + " WHERE c.conname = 'events_k0_key' AND c.connamespace = 'bad'::regnamespace"
                + " AND c.conrelid <> 'bad.events'::regclass ORDER BY 1"));
    }

    /**
     * A transaction writing to the referenced table keeps the partitioned table from taking its key after the swap:
     * the migration stops with the key on the partitions, and a resume adds it, from what the swap recorded.
     */
    @Test
    void stoppedBeforeTheTableTakesItsKeyThenResumedAddsIt(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "hold", "hold_mirror", 500, 9);
        db.execute("CREATE TABLE hold.keys (id int PRIMARY KEY)",
                "INSERT INTO hold.keys SELECT generate_series(1, 600)",
                "ALTER TABLE hold.events ADD CONSTRAINT events_k0_key FOREIGN KEY (k0) REFERENCES hold.keys (id)");
        Options options = Options.defaults().withSnapshotWait(Duration.ofSeconds(1))
                .withLockTimeout(Duration.ofMillis(50)).withLockAttempts(3);
        String plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("hold.events")
                .alter("ALTER COLUMN c0 TYPE bigint").options(options).build().plan().toText();
        assertTrue(plan.contains("foreign key events_k0_key (NOT VALID on each partition at the swap, validated after,"
                + " then added to the table without a scan)") && plan.contains("SHARE ROW EXCLUSIVE on the tree and"
                + " the referenced tables"), plan);
        try (Connection writer = db.connect(); Statement st = writer.createStatement()) {
            MigrationListener hold = new MigrationListener() {
                @Override
                public void phase(Phase phase, String detail) {
                    if (phase == Phase.AFTER) {
                        try {
                            writer.setAutoCommit(false);
                            st.execute("LOCK TABLE hold.keys IN ROW EXCLUSIVE MODE");
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };
            DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                    .dataSource(db.dataSource()).table("hold.events").alter("ALTER COLUMN c0 TYPE bigint")
                    .options(options).listener(hold).build().run());
            assertEquals(Reason.STOPPED, e.reason());
            assertTrue(e.getMessage().contains("events_k0_key") && e.getMessage().contains("new table is in place"),
                    e.getMessage());
            assertEquals(0, db.count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'hold.events'::regclass"
                    + " AND contype = 'f'"));
            writer.rollback();
        }
        Result r = Migrations.on(db.dataSource()).options(options)
                .resume(Migrations.on(db.dataSource()).list().get(0).id());
        assertEquals(Outcome.SUCCEEDED, r.outcome());
        assertEquals("true", db.scalar("SELECT convalidated::text FROM pg_constraint"
                + " WHERE conrelid = 'hold.events'::regclass AND conname = 'events_k0_key'"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_constraint c JOIN pg_partition_tree('hold.events') t"
                + " ON t.relid = c.conrelid WHERE t.level > 0 AND c.contype = 'f' AND (c.conparentid = 0"
                + " OR NOT c.convalidated)"), "every partition's key is part of the table's");
    }

    /** A key of the tree to itself: on each new leaf, referencing the new tree, validated, then the tree's. */
    @Test
    void aPartitionedTableReferencingItselfIsCarried(TestDatabase db) {
        PartitionedMirror.create(db, "selfok", "selfok_mirror", 500, 3);
        for (String t : List.of("selfok.events", "selfok_mirror.events")) {
            db.execute("ALTER TABLE " + t + " ADD COLUMN parent int, ADD CONSTRAINT events_parent FOREIGN KEY (parent)"
                    + " REFERENCES " + t + " (k0)", "UPDATE " + t + " SET parent = k0 - 1 WHERE k0 > 1");
        }
        String alter = "ALTER COLUMN c0 TYPE bigint";
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("selfok.events").alter(alter)
                .options(Options.defaults().withSnapshotWait(Duration.ofSeconds(1))).build().run();
        assertEquals(Outcome.SUCCEEDED, r.outcome(), r.warnings().toString());
        Oracle.blockingAlter(db, "selfok_mirror.events", alter);
        PartitionedMirror.assertSameTree(db, "selfok", "selfok_mirror");
    }
}
