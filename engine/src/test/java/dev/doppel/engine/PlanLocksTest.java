package dev.doppel.engine;

import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.shadow.ShadowTableBuilder;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * plan blocks no one: adding the table's foreign keys to the empty copy locks the referenced tables (the table itself
 * for a self-reference) against writes until the transaction ends, so the timed sample runs in a transaction of its
 * own on a copy built without them.
 */
@PostgresTest
@Tag("matrix")
class PlanLocksTest {

    private static long locksOn(Session s, String table) throws SQLException {
        return s.number("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND relation = to_regclass(?)"
                + " AND mode IN ('ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')", table);
    }

    @Test
    void theSamplesCopyLocksNeitherTheParentNorTheTableItself(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE pl_parent (id int PRIMARY KEY)", "INSERT INTO pl_parent SELECT generate_series(1, 10)",
                "CREATE TABLE pl_child (id int PRIMARY KEY, parent_id int REFERENCES pl_parent, up int"
                        + " REFERENCES pl_child, note text)",
                "INSERT INTO pl_child SELECT g, 1 + g % 10, NULL, 'n' || g FROM generate_series(1, 30000) g");
        try (Session session = Session.open(db.dataSource(), "test")) {
            TableInfo source = new CatalogReader(session).read("pl_child");
            ObjectNames names = new ObjectNames(source.oid());
            long[] locked = session.rolledBack(s -> {
                new ShadowTableBuilder(s, names).build(source, AlterParser.parse("ALTER COLUMN note TYPE varchar(40)"));
                return new long[] {locksOn(s, "pl_parent"), locksOn(s, "pl_child")};
            });
            assertTrue(locked[0] > 0 && locked[1] > 0, "the full copy takes the foreign keys' locks, which is why");
            long[] sampled = session.rolledBack(s -> {
                new ShadowTableBuilder(s, names).withoutForeignKeys().build(source,
                        AlterParser.parse("ALTER COLUMN note TYPE varchar(40)"));
                return new long[] {locksOn(s, "pl_parent"), locksOn(s, "pl_child")};
            });
            assertEquals(0, sampled[0]);
            assertEquals(0, sampled[1]);
        }
        long longest = longestParentInsertDuringPlan(db);
        System.out.printf("[plan locks] longest insert into the parent while plan ran on 30,000 child rows: %d ms%n",
                longest);
    }

    private static long longestParentInsertDuringPlan(TestDatabase db) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong longest = new AtomicLong();
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                for (int id = 1_000; running.get(); id++) {
                    long start = System.nanoTime();
                    st.execute("INSERT INTO pl_parent VALUES (" + id + ")");
                    longest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                    Thread.sleep(2);
                }
            } catch (SQLException | InterruptedException e) {
                failed.set(e);
            }
        }, "plan-locks-writer");
        writer.start();
        try {
            Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("pl_child")
                    .alter("ALTER COLUMN note TYPE varchar(40)").build().plan();
            assertNotNull(plan.schedule(), plan.toText());
            assertTrue(plan.warnings().stream().noneMatch(w -> w.contains("no timed sample")), plan.toText());
        } finally {
            running.set(false);
            writer.join(10_000);
        }
        assertNull(failed.get());
        return longest.get();
    }
}
