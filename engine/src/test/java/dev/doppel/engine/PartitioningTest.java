package dev.doppel.engine;

import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.Partitioned;
import dev.doppel.engine.oracle.PartitionedMirror;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plain table partitioned online (and a partitioned one unpartitioned) under writers equals the table a user
 * would have created that way and filled by {@code INSERT ... SELECT} from a mirror that took the same writes:
 * the same partitions, bounds, partitioned indexes named as PostgreSQL names them, constraints, and the same rows
 * in each partition.
 */
@PostgresTest
@Tag("matrix")
class PartitioningTest {

    private static final List<String> DATED_INDEXES = List.of("CREATE INDEX events_day_amount_idx ON %s (day, amount)");

    static List<String> months(String table, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int m = from; m < to; m++) {
            out.add(String.format("%s_p2026%02d FOR VALUES FROM ('2026-%02d-01') TO ('%s')", table, m, m,
                    m == 12 ? "2027-01-01" : String.format("2026-%02d-01", m + 1)));
        }
        return out;
    }

    @Test
    void monthlyRangesWithADefaultUnderWritersEqualTheTableCreatedPartitioned(TestDatabase db) throws Exception {
        Partitioned.createDated(db, "online", 4_000);
        Partitioned.createDated(db, "mirror", 4_000);
        Result result;
        try (Partitioned.DatedWriters writers = new Partitioned.DatedWriters(db, "online.events", "mirror.events",
                4_001).start(3, 7)) {
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("online.events")
                    .partitionBy("RANGE (day)", "monthly from 2026-01-01 to 2026-07-01; default")
                    .options(OnlineSchemaChangeEndToEndTest.busyTableOptions()).build().run();
            Thread.sleep(200);
            writers.close();
            assertTrue(writers.failures().stream().allMatch(f -> f.contains("moved to another partition due to"
                    + " concurrent update")), "application writes failed: " + writers.failures());
            assertTrue(writers.committed() > 0, "the writers committed nothing");
        }
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertTrue(result.verify() != null, "verified");
        List<String> partitions = new ArrayList<>(months("events", 1, 7));
        partitions.add("events_default DEFAULT");
        Partitioned.createExpected(db, "expected", "events", Partitioned.DATED, "RANGE (day)", partitions,
                DATED_INDEXES, "mirror.events");
        assertTrue(db.count("SELECT count(*) FROM online.events_default") > 0, "the writers reached the default");
        PartitionedMirror.assertSameTree(db, "online", "expected");
        assertNull(db.scalar("SELECT string_agg(relname, ', ') FROM pg_class WHERE relnamespace ="
                + " 'doppel'::regnamespace AND relname LIKE 'events%'"), "no new partition is left in doppel's schema");
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                + " WHERE c.relnamespace = 'online'::regnamespace AND t.tgname LIKE 'doppel%'"));
    }

    @Test
    void hashPartitionsUnderWritersEqualTheTableCreatedPartitioned(TestDatabase db) throws Exception {
        for (String s : List.of("hashed", "hash_mirror")) {
            db.execute("CREATE SCHEMA " + s, PartitionedMirror.SHAPE.createTable(s + ".events"),
                    "CREATE INDEX events_c0_idx ON " + s + ".events (c0)");
        }
        db.execute(PartitionedMirror.SHAPE.fill("hashed.events", 3_000, 5).toArray(String[]::new));
        db.execute("INSERT INTO hash_mirror.events SELECT * FROM hashed.events", "ANALYZE hashed.events");
        assertHashedUnderWritersAsCreatedThatWay(db, "hashed", "hash_mirror", 5);
    }

    /**
     * Partitions {@code schema.events} by HASH (k0) into 4 under 3 writers (also writing {@code mirror.events}), then
     * compares it with the table a user creates that way and fills from the mirror.
     */
    private static void assertHashedUnderWritersAsCreatedThatWay(TestDatabase db, String schema, String mirror,
                                                                  long seed) throws Exception {
        Result result;
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, schema + ".events",
                mirror + ".events", 3_001).start(3, seed, 0)) {
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table(schema + ".events")
                    .partitionBy("HASH (k0)", "4").options(OnlineSchemaChangeEndToEndTest.busyTableOptions())
                    .build().run();
            Thread.sleep(200);
            writers.close();
            PartitionedOracleTest.assertOnlyPartitionMoveConflicts(writers);
        }
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        List<String> partitions = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            partitions.add("events_p" + r + " FOR VALUES WITH (MODULUS 4, REMAINDER " + r + ")");
        }
        Partitioned.createExpected(db, schema + "_expected", "events", "CREATE TABLE %s (k0 int NOT NULL, c0 int,"
                + " c1 text, PRIMARY KEY (k0))", "HASH (k0)", partitions,
                List.of("CREATE INDEX events_c0_idx ON %s (c0)"), mirror + ".events");
        PartitionedMirror.assertSameTree(db, schema, schema + "_expected");
    }

    @Test
    void monthlyRangesCapturedByLogicalDecodingUnderWritersEqualTheTableCreatedPartitioned(TestDatabase db)
            throws Exception {
        Partitioned.createDated(db, "logical", 3_000);
        Partitioned.createDated(db, "logical_mirror", 3_000);
        Result result;
        try (Partitioned.DatedWriters writers = new Partitioned.DatedWriters(db, "logical.events",
                "logical_mirror.events", 3_001).start(2, 8)) {
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("logical.events")
                    .partitionBy("RANGE (day)", "monthly from 2026-01-01 to 2026-07-01; default")
                    .options(LogicalCaptureTest.logical()).build().run();
            Thread.sleep(200);
            writers.close();
            assertTrue(writers.failures().stream().allMatch(f -> f.contains("moved to another partition due to"
                    + " concurrent update")), "application writes failed: " + writers.failures());
        }
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        List<String> partitions = new ArrayList<>(months("events", 1, 7));
        partitions.add("events_default DEFAULT");
        Partitioned.createExpected(db, "logical_expected", "events", Partitioned.DATED, "RANGE (day)", partitions,
                DATED_INDEXES, "logical_mirror.events");
        PartitionedMirror.assertSameTree(db, "logical", "logical_expected");
        assertEquals(0, db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'doppel%'"));
    }

    @Test
    void aTreePartitionedAnewUnderWritersEqualsTheTableCreatedThatWay(TestDatabase db) throws Exception {
        PartitionedMirror.create(db, "regrow", "regrow_mirror", 3_000, 12);
        assertHashedUnderWritersAsCreatedThatWay(db, "regrow", "regrow_mirror", 12);
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'regrow'::regnamespace"
                + " AND relname IN ('events_a', 'events_b', 'events_b0', 'events_b1', 'events_rest')"),
                "the old partitions left the table's schema");
    }

    @Test
    void aTwoLevelTreeFlattenedIntoRangesReusingItsPartitionsNamesEqualsTheTableCreatedThatWay(TestDatabase db)
            throws Exception {
        PartitionedMirror.create(db, "flat", "flat_mirror", 3_000, 13);
        Result result;
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, "flat.events",
                "flat_mirror.events", 3_001).start(2, 13, 0)) {
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("flat.events")
                    .partitionBy("RANGE (k0)", "a: FROM (MINVALUE) TO (1500); b: FROM (1500) TO (3001); default")
                    .options(OnlineSchemaChangeEndToEndTest.busyTableOptions()).build().run();
            Thread.sleep(200);
            writers.close();
            PartitionedOracleTest.assertOnlyPartitionMoveConflicts(writers);
        }
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        Partitioned.createExpected(db, "flat_expected", "events", "CREATE TABLE %s (k0 int NOT NULL, c0 int,"
                + " c1 text, PRIMARY KEY (k0))", "RANGE (k0)", List.of("events_a FOR VALUES FROM (MINVALUE) TO (1500)",
                "events_b FOR VALUES FROM (1500) TO (3001)", "events_default DEFAULT"),
                List.of("CREATE INDEX events_c0_idx ON %s (c0)"), "flat_mirror.events");
        PartitionedMirror.assertSameTree(db, "flat", "flat_expected");
    }

    @Test
    void dailyRangesAndListPartitionsEqualTheTablesCreatedPartitioned(TestDatabase db) {
        Partitioned.createDated(db, "daily", 500);
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("daily.events")
                .partitionBy("RANGE (day)", "daily from 2025-12-31 to 2026-01-03; old: FROM (MINVALUE) TO"
                        + " ('2025-12-31'); later: FROM ('2026-01-03') TO (MAXVALUE)").build().run();
        Partitioned.createDated(db, "daily_mirror", 500);
        Partitioned.createExpected(db, "daily_expected", "events", Partitioned.DATED, "RANGE (day)", List.of(
                "events_p20251231 FOR VALUES FROM ('2025-12-31') TO ('2026-01-01')",
                "events_p20260101 FOR VALUES FROM ('2026-01-01') TO ('2026-01-02')",
                "events_p20260102 FOR VALUES FROM ('2026-01-02') TO ('2026-01-03')",
                "events_old FOR VALUES FROM (MINVALUE) TO ('2025-12-31')",
                "events_later FOR VALUES FROM ('2026-01-03') TO (MAXVALUE)"), DATED_INDEXES, "daily_mirror.events");
        PartitionedMirror.assertSameTree(db, "daily", "daily_expected");

        String regions = "CREATE TABLE %s (id int NOT NULL, region text NOT NULL, PRIMARY KEY (id, region))";
        for (String s : List.of("listed", "listed_mirror")) {
            db.execute("CREATE SCHEMA " + s, String.format(regions, s + ".accounts"),
                    "INSERT INTO " + s + ".accounts SELECT g, (ARRAY['fr', 'de', 'us', 'br'])[1 + g % 4]"
                            + " FROM generate_series(1, 400) g");
        }
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("listed.accounts")
                .partitionBy("LIST (region)", "eu: ('fr', 'de'); us: ('us'); default").build().run();
        Partitioned.createExpected(db, "listed_expected", "accounts", regions, "LIST (region)", List.of(
                "accounts_eu FOR VALUES IN ('fr', 'de')", "accounts_us FOR VALUES IN ('us')",
                "accounts_default DEFAULT"), List.of(), "listed_mirror.accounts");
        PartitionedMirror.assertSameTree(db, "listed", "listed_expected");
        assertEquals(100, db.count("SELECT count(*) FROM listed.accounts_default"), "br went to the default");
    }

    @ParameterizedTest
    @EnumSource(Options.Capture.class)
    void unpartitionedUnderWritersEqualsThePlainTable(Options.Capture capture, TestDatabase db) throws Exception {
        String tree = "tree_" + capture.name().toLowerCase();
        String plain = "plain_" + capture.name().toLowerCase();
        PartitionedMirror.create(db, tree, tree + "_mirror", 3_000, 9);
        Result result;
        try (OracleWriters writers = new OracleWriters(db, PartitionedMirror.SHAPE, tree + ".events",
                tree + "_mirror.events", 3_001).start(2, 9, 1)) {
            Thread.sleep(200);
            result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table(tree + ".events").unpartition()
                    .options(OnlineSchemaChangeEndToEndTest.busyTableOptions().withCapture(capture)).build().run();
            Thread.sleep(200);
            writers.close();
            PartitionedOracleTest.assertOnlyPartitionMoveConflicts(writers);
        }
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        db.execute("CREATE SCHEMA " + plain, PartitionedMirror.SHAPE.createTable(plain + ".events"),
                "CREATE INDEX events_c0_idx ON " + plain + ".events (c0)",
                "INSERT INTO " + plain + ".events SELECT * FROM " + tree + "_mirror.events");
        PartitionedMirror.assertSameTree(db, tree, plain);
    }

    @Test
    void aForeignKeyReferencingAKeyWithThePartitionColumnIsCarriedToTheTree(TestDatabase db) {
        Partitioned.createDated(db, "fk", 300);
        db.execute("CREATE TABLE fk.tickets (id int PRIMARY KEY, event_id int, event_day date,"
                        + " CONSTRAINT tickets_event_fkey FOREIGN KEY (event_id, event_day) REFERENCES fk.events)",
                "INSERT INTO fk.tickets SELECT id, id, day FROM fk.events WHERE id <= 50");
        Result result = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("fk.events")
                .partitionBy("RANGE (day)", "monthly from 2026-01-01 to 2026-04-01; default").build().run();
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals("true FOREIGN KEY (event_id, event_day) REFERENCES fk.events(id, day) p", db.scalar("SELECT"
                + " con.convalidated::text || ' ' || pg_get_constraintdef(con.oid) || ' ' || c.relkind::text"
                + " FROM pg_constraint con JOIN pg_class c ON c.oid = con.confrelid"
                + " WHERE con.conname = 'tickets_event_fkey' AND con.conparentid = 0"));
        assertThrows(RuntimeException.class, () -> db.execute("INSERT INTO fk.tickets VALUES (999, 999,"
                + " date '2026-01-01')"));
    }

    @Test
    void theTablesOwnForeignKeyIsCarriedToTheTreeAndKeepsChecking(TestDatabase db) {
        Partitioned.createDated(db, "own", 300);
        db.execute("CREATE TABLE own.venues (id int PRIMARY KEY)",
                "INSERT INTO own.venues SELECT g FROM generate_series(0, 9) g",
                "ALTER TABLE own.events ADD COLUMN venue int DEFAULT 1 CONSTRAINT events_venue_fkey REFERENCES own.venues",
                "UPDATE own.events SET venue = id % 10");
        OnlineSchemaChange change = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("own.events")
                .partitionBy("RANGE (day)", "monthly from 2026-01-01 to 2026-04-01; default").build();
        String plan = change.plan().toText();
        assertTrue(plan.contains("foreign key events_venue_fkey (NOT VALID on each partition at the swap, validated"
                + " after, then added to the table without a scan)"), plan);
        Result result = change.run();
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals("true FOREIGN KEY (venue) REFERENCES own.venues(id) p", db.scalar("SELECT"
                + " con.convalidated::text || ' ' || pg_get_constraintdef(con.oid) || ' ' || c.relkind::text"
                + " FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
                + " WHERE con.conname = 'events_venue_fkey' AND con.conparentid = 0"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_constraint con JOIN pg_inherits i ON i.inhrelid ="
                + " con.conrelid WHERE i.inhparent = 'own.events'::regclass AND con.contype = 'f'"
                + " AND con.conparentid = 0"), "each partition's key belongs to the tree's");
        assertThrows(RuntimeException.class, () -> db.execute("INSERT INTO own.events (id, day, venue)"
                + " VALUES (9999, date '2026-02-01', 42)"));

        db.execute("CREATE TABLE own.chain (id int, day date, previous_id int, previous_day date,"
                + " PRIMARY KEY (id, day), CONSTRAINT chain_previous FOREIGN KEY (previous_id, previous_day)"
                + " REFERENCES own.chain)", "INSERT INTO own.chain SELECT g, date '2026-01-01' + g,"
                + " nullif(g - 1, 0), CASE WHEN g > 1 THEN date '2026-01-01' + g - 1 END FROM generate_series(1, 90) g");
        assertEquals(Outcome.SUCCEEDED, OnlineSchemaChange.builder().dataSource(db.dataSource()).table("own.chain")
                .partitionBy("RANGE (day)", "monthly from 2026-01-01 to 2026-04-01; default").build().run().outcome(),
                "a key of the table to itself is carried too");
        assertEquals("true FOREIGN KEY (previous_id, previous_day) REFERENCES own.chain(id, day) p", db.scalar("SELECT"
                + " con.convalidated::text || ' ' || pg_get_constraintdef(con.oid) || ' ' || c.relkind::text"
                + " FROM pg_constraint con JOIN pg_class c ON c.oid = con.confrelid"
                + " WHERE con.conname = 'chain_previous' AND con.conparentid = 0"));
        assertThrows(RuntimeException.class, () -> db.execute("INSERT INTO own.chain VALUES (500, date '2026-02-01',"
                + " 499, date '2026-02-01')"));
    }

    @Test
    void anIdentityColumnCommentsAndGrantsAreKeptAsOnTheTableCreatedPartitioned(TestDatabase db) {
        String create = "CREATE TABLE %s (id int GENERATED BY DEFAULT AS IDENTITY, day date NOT NULL,"
                + " note text DEFAULT 'n', PRIMARY KEY (id, day))";
        List<String> extras = List.of("COMMENT ON TABLE %s IS 'the events'", "COMMENT ON COLUMN %s.note IS 'a note'",
                "GRANT SELECT ON %s TO PUBLIC");
        for (String s : List.of("ident", "ident_mirror")) {
            db.execute("CREATE SCHEMA " + s, String.format(create, s + ".events"));
            extras.forEach(e -> db.execute(String.format(e, s + ".events")));
            db.execute("INSERT INTO " + s + ".events (day) SELECT date '2026-01-01' + g FROM generate_series(0, 99) g");
        }
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("ident.events")
                .partitionBy("RANGE (day)", "monthly from 2026-01-01 to 2026-05-01").build().run();
        Partitioned.createExpected(db, "ident_expected", "events", create, "RANGE (day)", months("events", 1, 5),
                extras, "ident_mirror.events");
        db.execute("SELECT setval('ident_expected.events_id_seq', 100)");
        PartitionedMirror.assertSameTree(db, "ident", "ident_expected");
        db.execute("INSERT INTO ident.events (day) VALUES ('2026-02-03')");
        assertEquals(101, db.count("SELECT id FROM ident.events_p202602 WHERE day = '2026-02-03' AND id > 100"),
                "the identity goes on from the old table's position");
    }

    @Test
    void aRowWrittenDuringTheMigrationThatNoPartitionTakesStopsItBeforeTheSwap(TestDatabase db) {
        db.execute("CREATE SCHEMA late", "CREATE TABLE late.events (id int, day date, PRIMARY KEY (id, day))",
                "INSERT INTO late.events SELECT g, date '2026-01-01' + g FROM generate_series(0, 50) g");
        MigrationListener lateWrite = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.COPY) {
                    db.execute("INSERT INTO late.events VALUES (1000, '2030-01-01')");
                }
            }
        };
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("late.events").partitionBy("RANGE (day)",
                        "monthly from 2026-01-01 to 2026-03-01").listener(lateWrite).build().run());
        assertTrue(e.getMessage().contains("no partition of relation"), e.getMessage());
        assertEquals("r", db.scalar("SELECT relkind::text FROM pg_class WHERE oid = 'late.events'::regclass"));
        assertEquals(52, db.count("SELECT count(*) FROM late.events"));
    }

    @Test
    void planRefusesWhatPostgresqlCannotPartitionNamingTheFix(TestDatabase db) {
        db.execute("CREATE SCHEMA refused",
                "CREATE TABLE refused.events (id int PRIMARY KEY, day date NOT NULL, note text)",
                "CREATE TABLE refused.tickets (id int PRIMARY KEY, event_id int REFERENCES refused.events (id))",
                "INSERT INTO refused.events SELECT g, date '2026-01-01' + g, 'x' FROM generate_series(1, 100) g");
        DoppelException pk = assertThrows(DoppelException.class, () -> plan(db, "refused.events", "RANGE (day)",
                "monthly from 2026-01-01 to 2026-07-01; default"));
        assertEquals(Reason.INVALID_ALTER, pk.reason());
        assertTrue(pk.getMessage().contains("primary key events_pkey (id) of refused.events lacks partition column"
                + " day") && pk.getMessage().contains("ADD CONSTRAINT \"events_pkey\" PRIMARY KEY (\"id\", \"day\")")
                && pk.getMessage().contains("foreign key tickets_event_id_fkey of refused.tickets"), pk.getMessage());

        db.execute("CREATE TABLE refused.dated (id int, day date, PRIMARY KEY (id, day))",
                "INSERT INTO refused.dated SELECT g, date '2025-12-30' + g FROM generate_series(1, 100) g");
        DoppelException outside = assertThrows(DoppelException.class, () -> plan(db, "refused.dated", "RANGE (day)",
                "monthly from 2026-01-01 to 2026-03-01"));
        assertEquals(Reason.INVALID_ALTER, outside.reason());
        assertTrue(outside.getMessage().startsWith("41 rows of refused.dated fall outside every partition of"
                + " RANGE (day) (key values 2025-12-31, 2026-03-01, 2026-03-02, 2026-03-03, 2026-03-04, ...)"),
                outside.getMessage());
        String windowed = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("refused.dated")
                .partitionBy("HASH (id)", "2").options(Options.defaults().withRevertWindow(java.time.Duration
                        .ofHours(1))).build().plan().toText();
        assertTrue(windowed.contains("revert       possible"), windowed);
        db.execute("CREATE TABLE refused.dated_p0 (x int)");
        DoppelException taken = assertThrows(DoppelException.class, () -> plan(db, "refused.dated", "HASH (id)", "2"));
        assertTrue(taken.getMessage().contains("partition refused.dated_p0 would take the name of an existing"
                + " relation"), taken.getMessage());
        assertEquals(Reason.INVALID_ALTER, assertThrows(DoppelException.class, () -> plan(db, "refused.dated",
                "RANGE (day)", "monthly from 2026-01-02 to 2026-03-01")).reason());

        Plan fine = plan(db, "refused.dated", "RANGE (day)", "monthly from 2026-01-01 to 2026-03-01; default");
        assertTrue(fine.toText().contains("refused.dated_p202601 FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')"),
                fine.toText());
        assertEquals(1, db.count("SELECT count(*) FROM pg_class WHERE oid = 'refused.dated'::regclass"
                + " AND relkind = 'r'"), "plan changed nothing");
    }

    private static Plan plan(TestDatabase db, String table, String key, String partitions) {
        return OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).partitionBy(key, partitions)
                .build().plan();
    }
}
