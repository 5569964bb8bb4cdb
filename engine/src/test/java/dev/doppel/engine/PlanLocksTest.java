package dev.doppel.engine;

import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.shadow.ShadowTableBuilder;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import dev.doppel.engine.testing.TimedInserts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
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

    /**
     * The run's shadow build adds the foreign keys too, which waits on a transaction writing the parent: in short
     * attempts, so the parent's writers queue behind it for one attempt at most, not for a long lock wait.
     */
    @Test
    void theShadowBuildTakesTheReferencedTablesLockInShortAttempts(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE sb_parent (id int PRIMARY KEY)", "INSERT INTO sb_parent SELECT generate_series(1, 10)",
                "CREATE TABLE sb_child (id int PRIMARY KEY, parent_id int REFERENCES sb_parent, note text)",
                "INSERT INTO sb_child SELECT g, 1 + g % 10, 'n' || g FROM generate_series(1, 5000) g");
        Connection holder = db.connect();
        AtomicReference<Exception> failed = new AtomicReference<>();
        // When the shadow build starts, a transaction that wrote the parent stays open for a second.
        MigrationListener holdParent = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.SHADOW) {
                    try {
                        holder.setAutoCommit(false);
                        holder.createStatement().execute("INSERT INTO sb_parent VALUES (999999)");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    new Thread(() -> {
                        try {
                            Thread.sleep(1_000);
                            holder.commit();
                        } catch (SQLException | InterruptedException e) {
                            failed.set(e);
                        }
                    }, "parent-holder").start();
                }
            }
        };
        Result r;
        long longest;
        try (TimedInserts writer = new TimedInserts(db, n -> "INSERT INTO sb_parent VALUES (" + n + ")")) {
            r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("sb_child")
                    .alter("ALTER COLUMN note TYPE varchar(40)").listener(holdParent).build().run();
            writer.close();
            longest = writer.longestMillis();
        } finally {
            holder.close();
        }
        assertNull(failed.get());
        Result.LockHeld build = r.locks().stream().filter(l -> l.what().startsWith("shadow build")).findFirst()
                .orElseThrow();
        System.out.printf("[shadow build locks] %s; longest insert into the parent meanwhile: %d ms%n", build,
                longest);
        assertTrue(build.attempts() > 1, "the build waited out the open transaction in short attempts: " + build);
    }

    /**
     * plan's check on an empty copy carrying the foreign keys waits on a transaction writing the parent in short
     * attempts: the parent's other writers queue behind one attempt at most, and a transaction open longer than one
     * long wait (2 s before) no longer makes plan fail.
     */
    @Test
    void plansCheckWaitsOnTheParentInShortAttempts(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE pa_parent (id int PRIMARY KEY)", "INSERT INTO pa_parent SELECT generate_series(1, 10)",
                "CREATE TABLE pa_child (id int PRIMARY KEY, parent_id int REFERENCES pa_parent, note text)",
                "INSERT INTO pa_child SELECT g, 1 + g % 10, 'n' || g FROM generate_series(1, 1000) g");
        AtomicReference<Exception> failed = new AtomicReference<>();
        Plan plan;
        long longest;
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("INSERT INTO pa_parent VALUES (999999)");
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(3_000);
                    holder.commit();
                } catch (SQLException | InterruptedException e) {
                    failed.set(e);
                }
            }, "parent-holder");
            release.start();
            try (TimedInserts writer = new TimedInserts(db, n -> "INSERT INTO pa_parent VALUES (" + n + ")")) {
                plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("pa_child")
                        .alter("ALTER COLUMN note TYPE varchar(40)").build().plan();
                writer.close();
                longest = writer.longestMillis();
            } finally {
                release.join(10_000);
            }
        }
        assertNull(failed.get());
        assertEquals(Plan.Strategy.REWRITE, plan.strategy(), plan.toText());
        System.out.printf("[plan locks] a transaction held the parent 3 s: longest insert into the parent while plan"
                + " waited it out: %d ms%n", longest);
    }

    private static long longestParentInsertDuringPlan(TestDatabase db) throws Exception {
        try (TimedInserts writer = new TimedInserts(db, n -> "INSERT INTO pl_parent VALUES (" + n + ")")) {
            Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("pl_child")
                    .alter("ALTER COLUMN note TYPE varchar(40)").build().plan();
            assertNotNull(plan.schedule(), plan.toText());
            assertTrue(plan.warnings().stream().noneMatch(w -> w.contains("no timed sample")), plan.toText());
            writer.close();
            return writer.longestMillis();
        }
    }
}
