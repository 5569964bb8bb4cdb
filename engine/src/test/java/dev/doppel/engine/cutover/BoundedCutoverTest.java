package dev.doppel.engine.cutover;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one bounded swap of cut-over and revert: what it checks under the lock, and when it gives the lock back. */
@PostgresTest
@Tag("matrix")
class BoundedCutoverTest {

    private static BoundedCutover cutover(Session s, int attempts, Duration cap) {
        return new BoundedCutover(s, new LockRetry(s, Duration.ofMillis(200), attempts, Duration.ofSeconds(5)),
                Duration.ZERO, cap);
    }

    private static final String HELD = "SELECT string_agg(relation::regclass::text, ',' ORDER BY"
            + " relation::regclass::text) FROM pg_locks WHERE pid = pg_backend_pid() AND mode = 'AccessExclusiveLock'"
            + " AND locktype = 'relation'";

    @Test
    void theSwapRunsUnderTheLockAfterTheCatchUpAndReportsIt(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE live1 (id int PRIMARY KEY)", "CREATE TABLE child (id int REFERENCES live1)",
                "CREATE TABLE incoming1 (id int)");
        List<String> steps = new ArrayList<>();
        try (Session s = Session.open(db.dataSource(), "test")) {
            TableInfo live1 = new CatalogReader(s).read("live1");
            s.execute("SET synchronous_commit = on");
            BoundedCutover.Held held = cutover(s, 3, Duration.ofSeconds(5)).run("swap of live1", live1, "incoming1",
                    "testing", until -> {
                        steps.add("drain to " + until);
                        return 0;
                    }, (t, deadline) -> {
                        steps.add("catch up holding " + t.text(HELD) + ", synchronous_commit "
                                + t.text("SHOW synchronous_commit"));
                        return 4L;
                    }, t -> {
                        steps.add("swap holding " + t.text(HELD));
                        t.execute("CREATE TABLE swapped1 ()");
                    });
            assertEquals(4, held.applied());
            assertEquals(1, held.attempts());
            assertEquals("on", s.text("SHOW synchronous_commit"), "only the swap's commit does not wait for its flush");
        }
        assertEquals(List.of("swap holding null", "drain to " + BoundedCutover.LOCK_BACKLOG,
                        "catch up holding child,incoming1,live1, synchronous_commit off",
                        "swap holding child,incoming1,live1"), steps,
                "the swap is rehearsed once before any lock; the referencing table is locked too");
        assertEquals(1, db.count("SELECT count(*) FROM pg_class WHERE relname = 'swapped1'"), "only the swap made it");
    }

    @Test
    void aDefinitionChangedSincePlanningSwapsNothing(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE live2 (id int PRIMARY KEY, v int)", "CREATE TABLE incoming2 (id int)");
        try (Session s = Session.open(db.dataSource(), "test")) {
            TableInfo planned = new CatalogReader(s).read("live2");
            db.execute("ALTER TABLE live2 ADD COLUMN w int");
            DoppelException e = assertThrows(DoppelException.class, () -> cutover(s, 3, Duration.ofSeconds(5))
                    .run("swap of live2", planned, "incoming2", "testing", until -> 0, (t, deadline) -> 0L,
                            t -> t.execute("CREATE TABLE swapped2 ()")));
            assertEquals(Reason.SOURCE_CHANGED, e.reason());
            assertTrue(e.getMessage().contains("changed while doppel was testing it"), e.getMessage());
        }
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname = 'swapped2'"));
    }

    @Test
    void aSwapThatWouldHoldTheLockPastTheCapGivesItBackEachTime(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE live3 (id int PRIMARY KEY)", "CREATE TABLE incoming3 (id int)");
        int[] drains = new int[1];
        try (Session s = Session.open(db.dataSource(), "test")) {
            TableInfo live3 = new CatalogReader(s).read("live3");
            DoppelException e = assertThrows(DoppelException.class, () -> cutover(s, 2, Duration.ofMillis(20))
                    .run("swap of live3", live3, "incoming3", "testing", until -> drains[0]++, (t, deadline) -> 0L,
                            t -> {
                        t.execute("CREATE TABLE swapped3 ()");
                        t.execute("SELECT pg_sleep(0.1)");
                    }));
            assertEquals(Reason.LOCK_TIMEOUT, e.reason());
        }
        assertEquals(3, drains[0], "one drain before the lock, one after each attempt given back");
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname = 'swapped3'"), "rolled back each time");
    }

    @Test
    void aCaptureThatCannotCatchUpUnderTheLockGivesItBack(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE live4 (id int PRIMARY KEY)", "CREATE TABLE incoming4 (id int)");
        try (Session s = Session.open(db.dataSource(), "test")) {
            TableInfo live4 = new CatalogReader(s).read("live4");
            assertThrows(DoppelException.class, () -> cutover(s, 2, Duration.ofSeconds(5)).run("swap of live4", live4,
                    "incoming4", "testing", until -> 0, (t, deadline) -> null, t -> t.execute("CREATE TABLE swapped4 ()")));
        }
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname = 'swapped4'"));
    }

    @Test
    void aLockHeldOnTheIncomingTableFailsTheAttemptWithoutQueueingTheApplication(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE live5 (id int PRIMARY KEY)", "CREATE TABLE incoming5 (id int)");
        try (Session s = Session.open(db.dataSource(), "test");
             Session holder = Session.open(db.dataSource(), "holder")) {
            TableInfo live5 = new CatalogReader(s).read("live5");
            holder.connection().setAutoCommit(false);
            holder.execute("LOCK TABLE incoming5 IN SHARE UPDATE EXCLUSIVE MODE");
            List<Long> liveLocked = new ArrayList<>();
            BoundedCutover.Drain watch = until -> {
                liveLocked.add(db.count("SELECT count(*) FROM pg_locks WHERE relation = 'live5'::regclass"
                        + " AND mode = 'AccessExclusiveLock'"));
                return 0;
            };
            DoppelException e = assertThrows(DoppelException.class, () -> cutover(s, 2, Duration.ofSeconds(5))
                    .run("swap of live5", live5, "incoming5", "testing", watch, (t, deadline) -> 0L,
                            t -> t.execute("CREATE TABLE swapped5 ()")));
            assertEquals(Reason.LOCK_TIMEOUT, e.reason());
            holder.connection().rollback();
            assertEquals(List.of(0L, 0L, 0L), liveLocked, "the live table was never locked (nor waited for)");
            assertEquals(0, db.count("SELECT count(*) FROM pg_locks WHERE relation = 'live5'::regclass"
                    + " AND NOT granted"));
        }
    }
}
