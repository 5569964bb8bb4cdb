package dev.doppel.engine.apply;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.Options;
import dev.doppel.engine.script.SqlScript;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.SchemaShape;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * apply against a real server: a mixed file made online while writers run ends in the schema plain execution gives;
 * a kill mid-file resumes at the statement that did not finish; a second run does nothing; transactions that cannot
 * be kept are refused.
 */
@PostgresTest
class ScriptApplierTest {

    private static final String MIXED = """
            SET lock_timeout = '5s';
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
            INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 100) g;
            CREATE INDEX customers_name ON customers (name);
            ALTER TABLE orders ALTER COLUMN total TYPE bigint USING (total * 100)::bigint;
            CREATE INDEX orders_customer ON orders (customer_id);
            ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
            ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
            BEGIN;
            ALTER TABLE orders ADD COLUMN note text;
            COMMENT ON COLUMN orders.note IS 'kept in one transaction';
            COMMIT;
            DROP INDEX orders_legacy;
            CREATE UNIQUE INDEX orders_ref ON orders (ref);
            """;

    private static DataSource in(TestDatabase db, String schema) {
        PGSimpleDataSource ds = (PGSimpleDataSource) db.dataSource();
        ds.setCurrentSchema(schema);
        return ds;
    }

    private static void orders(TestDatabase db, String schema) {
        db.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".orders (id bigint PRIMARY KEY, customer_id int, total numeric(12,2) NOT NULL,"
                        + " status text, ref bigint)",
                "INSERT INTO " + schema + ".orders SELECT g, 1 + g % 100, g / 100.0, 'new', g FROM generate_series(1, 5000) g",
                "CREATE INDEX orders_legacy ON " + schema + ".orders (status)");
    }

    /** The file as a migration tool's default executor runs it: statement by statement, as written. */
    private static void plainly(TestDatabase db, String schema, SqlScript script) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET search_path = " + schema);
            for (var st : script.statements()) {
                s.execute(st.text());
            }
        }
    }

    @Test
    void aMixedFileMadeOnlineWhileWritersRunEndsAsPlainExecutionDoes(TestDatabase db) throws Exception {
        orders(db, "plain");
        orders(db, "online");
        SqlScript script = SqlScript.parse("V1__mixed.sql", MIXED);
        plainly(db, "plain", script);

        AtomicBoolean stop = new AtomicBoolean();
        Set<Long> written = new ConcurrentSkipListSet<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> writer = pool.submit(() -> {
            try (Connection c = db.connect(); PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO online.orders (id, customer_id, total, status, ref) VALUES (?, NULL, 7, 'new', ?)");
                 PreparedStatement update = c.prepareStatement("UPDATE online.orders SET status = 'paid' WHERE id = ?")) {
                for (long id = 100_001; !stop.get(); id++) {
                    insert.setLong(1, id);
                    insert.setLong(2, id);
                    insert.executeUpdate();
                    written.add(id);
                    update.setLong(1, id % 5000 + 1);
                    update.executeUpdate();
                }
            }
            return null;
        });
        ApplyResult result;
        try {
            result = new ScriptApplier(in(db, "online"), Options.defaults()).apply(script, false);
        } finally {
            stop.set(true);
            writer.get();
            pool.shutdown();
        }
        assertEquals(ApplyResult.How.STARTED, result.how());
        assertEquals(SchemaShape.of(db, "plain"), SchemaShape.of(db, "online"));
        Set<Long> expected = LongStream.rangeClosed(1, 5000).boxed().collect(Collectors.toSet());
        expected.addAll(written);
        assertEquals(expected, db.rows("SELECT id FROM online.orders").stream().map(r -> Long.parseLong(r.get(0)))
                .collect(Collectors.toSet()));
        assertEquals(db.rows("SELECT id, total FROM plain.orders ORDER BY id"),
                db.rows("SELECT id, total FROM online.orders WHERE id <= 5000 ORDER BY id"));
        assertTrue(!written.isEmpty(), "the writer wrote during the apply");

        ApplyResult again = new ScriptApplier(in(db, "online"), Options.defaults()).apply(script, false);
        assertEquals(ApplyResult.How.ALREADY_DONE, again.how());
        assertEquals(0, again.ran());
    }

    @Test
    void aKillMidFileResumesAtTheStatementThatDidNotFinish(TestDatabase db) throws Exception {
        db.execute("CREATE SCHEMA killed", "CREATE TABLE killed.events (id int PRIMARY KEY, kind text)",
                "CREATE TABLE killed.runs (n int)", "INSERT INTO killed.events SELECT g, 'a' FROM generate_series(1, 2000) g");
        SqlScript script = SqlScript.parse("V2__killed.sql", """
                INSERT INTO runs VALUES (1);
                CREATE INDEX events_kind ON events (kind);
                INSERT INTO runs VALUES (3);
                """);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection holder = db.connect(); Statement hs = holder.createStatement()) {
            // A writer's open transaction: CREATE INDEX CONCURRENTLY creates its (invalid) entry, then waits for it.
            holder.setAutoCommit(false);
            hs.execute("INSERT INTO killed.events VALUES (100000, 'b')");
            Future<ApplyResult> run = pool.submit(() -> new ScriptApplier(in(db, "killed"), Options.defaults())
                    .apply(script, false));
            waitFor(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'doppel apply'"
                    + " AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'");
            db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'doppel apply'");
            Exception killed = assertThrows(Exception.class, run::get);
            assertTrue(killed.getCause() instanceof DoppelException, killed.toString());
            holder.rollback();
        } finally {
            pool.shutdown();
        }
        assertEquals("false", db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'killed.events_kind'::regclass"),
                "the killed build left an invalid index");
        ApplyPlan plan = new ScriptApplier(in(db, "killed"), Options.defaults()).plan(script, false);
        assertEquals(List.of(true, false, false), plan.steps().stream().map(ApplyStep::done).toList());

        ApplyResult resumed = new ScriptApplier(in(db, "killed"), Options.defaults()).apply(script, false);
        assertEquals(ApplyResult.How.RESUMED, resumed.how());
        assertEquals(2, resumed.ran());
        assertEquals(1, resumed.skipped());
        assertEquals(List.of(List.of("1"), List.of("3")), db.rows("SELECT n FROM killed.runs ORDER BY n"));
        assertEquals(List.of(List.of("events_kind", "true")), db.rows("SELECT c.relname, x.indisvalid::text FROM pg_index x"
                + " JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = 'killed.events'::regclass"
                + " AND NOT x.indisprimary"));
    }

    @Test
    void aTransactionHoldingAnOnlineStatementIsRefusedUnlessSplit(TestDatabase db) {
        db.execute("CREATE SCHEMA grouped", "CREATE TABLE grouped.items (id int PRIMARY KEY, sku text)");
        SqlScript script = SqlScript.parse("V3__grouped.sql", """
                BEGIN;
                ALTER TABLE items ADD COLUMN price int;
                CREATE INDEX items_sku ON items (sku);
                COMMIT;
                """);
        DoppelException refused = assertThrows(DoppelException.class,
                () -> new ScriptApplier(in(db, "grouped"), Options.defaults()).apply(script, false));
        assertEquals(Reason.TRANSACTION_SPLIT_NEEDED, refused.reason());
        assertTrue(refused.getMessage().contains("line 3") && refused.getMessage().contains("--split-transactions"),
                refused.getMessage());
        assertEquals(0, db.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'grouped'"
                + " AND column_name = 'price'"));

        ApplyResult split = new ScriptApplier(in(db, "grouped"), Options.defaults()).apply(script, true);
        assertEquals(2, split.ran());
        assertEquals(1, db.count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'grouped' AND indexname = 'items_sku'"));
    }

    @Test
    void aStatementThatFailsStopsTheFileAndAFixedFileGoesOnFromIt(TestDatabase db) {
        db.execute("CREATE SCHEMA fixing", "CREATE TABLE fixing.t (id int PRIMARY KEY)", "CREATE TABLE fixing.runs (n int)");
        SqlScript broken = SqlScript.parse("V4__fix.sql", "INSERT INTO runs VALUES (1);\nINSERT INTO nowhere VALUES (2);\n"
                + "INSERT INTO runs VALUES (3);\n");
        DoppelException failed = assertThrows(DoppelException.class,
                () -> new ScriptApplier(in(db, "fixing"), Options.defaults()).apply(broken, false));
        assertEquals(Reason.STATEMENT_FAILED, failed.reason());
        assertTrue(failed.getMessage().contains("V4__fix.sql line 2"), failed.getMessage());

        SqlScript changedDone = SqlScript.parse("V4__fix.sql", "INSERT INTO runs VALUES (10);\nINSERT INTO runs VALUES (2);\n"
                + "INSERT INTO runs VALUES (3);\n");
        assertEquals(Reason.SCRIPT_CHANGED, assertThrows(DoppelException.class,
                () -> new ScriptApplier(in(db, "fixing"), Options.defaults()).apply(changedDone, false)).reason());

        SqlScript fixed = SqlScript.parse("V4__fix.sql", "INSERT INTO runs VALUES (1);\nINSERT INTO runs VALUES (2);\n"
                + "INSERT INTO runs VALUES (3);\n");
        ApplyResult resumed = new ScriptApplier(in(db, "fixing"), Options.defaults().withLockTimeout(Duration.ofMillis(50)))
                .apply(fixed, false);
        assertEquals(ApplyResult.How.RESUMED, resumed.how());
        assertEquals(List.of(List.of("1"), List.of("2"), List.of("3")), db.rows("SELECT n FROM fixing.runs ORDER BY n"));
    }

    @Test
    void aUniqueIndexTheDataBreaksFailsNamingTheLineAndLeavesNoInvalidIndex(TestDatabase db) {
        db.execute("CREATE SCHEMA dupes", "CREATE TABLE dupes.accounts (id int PRIMARY KEY, email text)",
                "INSERT INTO dupes.accounts VALUES (1, 'a@example.com'), (2, 'a@example.com')");
        SqlScript script = SqlScript.parse("V7__unique.sql", "CREATE UNIQUE INDEX accounts_email ON accounts (email);\n");
        DoppelException failed = assertThrows(DoppelException.class,
                () -> new ScriptApplier(in(db, "dupes"), Options.defaults()).apply(script, false));
        assertEquals(Reason.STATEMENT_FAILED, failed.reason());
        assertTrue(failed.getMessage().contains("V7__unique.sql line 1") && failed.getMessage().contains("23505"),
                failed.getMessage());
        assertEquals(0, db.count("SELECT count(*) FROM pg_index WHERE indrelid = 'dupes.accounts'::regclass"
                + " AND NOT indisprimary"), "the invalid index the failed build left is dropped");
    }

    @Test
    void aPsqlMetaCommandIsRefusedBeforeAnythingRuns(TestDatabase db) {
        db.execute("CREATE SCHEMA meta", "CREATE TABLE meta.runs (n int)");
        SqlScript script = SqlScript.parse("V8__meta.sql", "INSERT INTO runs VALUES (1);\n\\connect other\n");
        DoppelException refused = assertThrows(DoppelException.class,
                () -> new ScriptApplier(in(db, "meta"), Options.defaults()).apply(script, false));
        assertEquals(Reason.UNSUPPORTED_STATEMENT, refused.reason());
        assertTrue(refused.getMessage().contains("line 2") && refused.getMessage().contains("\\connect other"),
                refused.getMessage());
        assertEquals(0, db.count("SELECT count(*) FROM meta.runs"));
    }

    private static void waitFor(TestDatabase db, String countQuery) throws InterruptedException {
        for (int i = 0; i < 600 && db.count(countQuery) == 0; i++) {
            Thread.sleep(100);
        }
        assertTrue(db.count(countQuery) > 0, "never reached: " + countQuery);
    }
}
