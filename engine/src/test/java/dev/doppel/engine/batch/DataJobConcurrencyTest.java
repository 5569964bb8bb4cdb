package dev.doppel.engine.batch;

import dev.doppel.engine.Options;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs while the application writes: inserts that match, updates that make rows match or stop matching, deletes.
 * Every row that matched when its batch came is changed exactly once, no other row is touched, no application
 * write fails or is lost, and a moved row is neither lost nor doubled.
 */
@PostgresTest
class DataJobConcurrencyTest {

    private static final int ROWS = 6_000;
    private static final Options OPTIONS = Options.defaults().withChunk(Duration.ofMillis(15), 100, 400)
            .withMaxRowsPerSecond(15_000);

    /** The application: a few connections writing random rows until stopped; counts its failures. */
    private static final class Writers implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger writes = new AtomicInteger();

        interface Op {
            void run(Connection c, Random random) throws SQLException;
        }

        Writers(TestDatabase db, int n, Op op) {
            for (int i = 0; i < n; i++) {
                long seed = 1000 + i;
                Thread t = new Thread(() -> {
                    Random random = new Random(seed);
                    try (Connection c = db.connect()) {
                        while (!stop.get()) {
                            try {
                                op.run(c, random);
                                writes.incrementAndGet();
                            } catch (SQLException e) {
                                failures.add(e.getMessage());
                            }
                        }
                    } catch (SQLException e) {
                        failures.add(e.getMessage());
                    }
                });
                t.start();
                threads.add(t);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }

    @Test
    void anUpdateJudgesEachRowAsItIsWhenItsBatchComes(TestDatabase db) throws Exception {
        // slug NULL matches; app_slug is what the application last wrote into slug (NULL when it cleared it).
        db.execute("CREATE TABLE pages (id bigserial PRIMARY KEY, title text NOT NULL, slug text, app_slug text,"
                        + " initially_null boolean NOT NULL, app_writes int NOT NULL DEFAULT 0,"
                        + " job_writes int NOT NULL DEFAULT 0)",
                "INSERT INTO pages (title, slug, initially_null) SELECT 'Page ' || g,"
                        + " CASE WHEN g % 4 = 0 THEN 'fixed' END, g % 4 <> 0 FROM generate_series(1, " + ROWS + ") g");
        JobResult result;
        try (Writers app = new Writers(db, 3, (c, random) -> {
            long id = 1 + random.nextInt(ROWS);
            switch (random.nextInt(4)) {
                case 0 -> update(c, "INSERT INTO pages (title, initially_null, app_writes) VALUES ('New', false, 1)");
                case 1 -> update(c, "UPDATE pages SET slug = 'app-' || app_writes, app_slug = 'app-' || app_writes,"
                        + " app_writes = app_writes + 1 WHERE id = ?", id);
                case 2 -> update(c, "UPDATE pages SET slug = NULL, app_slug = NULL, app_writes = app_writes + 1"
                        + " WHERE id = ?", id);
                default -> update(c, "DELETE FROM pages WHERE id = ? AND id % 7 = 0", id);
            }
        })) {
            Thread.sleep(200);
            result = DataJob.update("pages").set("slug = lower(title), job_writes = job_writes + 1")
                    .where("slug IS NULL").dataSource(db.dataSource()).options(OPTIONS).build().run();
            Thread.sleep(200);
            app.close();
            assertEquals(List.of(), List.copyOf(app.failures), "no application write failed");
            assertTrue(app.writes.get() > 100, "the application wrote during the job: " + app.writes.get());
        }
        assertEquals("succeeded", result.outcome());
        assertEquals(0, db.count("SELECT count(*) FROM pages WHERE job_writes > 1"), "no row changed twice");
        // The application deletes some rows (id % 7 = 0) after the job may have changed them.
        long changedAndKept = db.count("SELECT count(*) FROM pages WHERE job_writes = 1");
        assertTrue(changedAndKept <= result.rowsChanged() && changedAndKept + db.count("SELECT count(*) FROM"
                + " generate_series(1, " + ROWS + ") g WHERE g % 7 = 0 AND g NOT IN (SELECT id FROM pages)")
                >= result.rowsChanged(), "rows counted as changed: " + result.rowsChanged());
        assertEquals(0, db.count("SELECT count(*) FROM pages WHERE app_slug IS NOT NULL AND slug <> app_slug"),
                "the job never overwrote a slug the application had set");
        assertEquals(0, db.count("SELECT count(*) FROM pages WHERE app_writes = 0 AND initially_null"
                + " AND (slug IS DISTINCT FROM lower(title) OR job_writes <> 1)"), "every row matching throughout");
        assertEquals(0, db.count("SELECT count(*) FROM pages WHERE app_writes = 0 AND NOT initially_null"
                + " AND (slug <> 'fixed' OR job_writes <> 0)"), "no row outside the predicate touched");
        assertEquals(0, db.count("SELECT count(*) FROM pages WHERE job_writes = 1 AND app_slug IS NULL"
                + " AND slug IS DISTINCT FROM lower(title) AND slug IS NOT NULL"));
    }

    @Test
    void aJobEndsWhileTheApplicationInsertsMatchingRowsFasterThanItsCap(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE events (id bigserial PRIMARY KEY, seen boolean NOT NULL DEFAULT false)",
                "INSERT INTO events (seen) SELECT false FROM generate_series(1, 500)");
        JobResult result;
        long lastKeyAtStart = 500;
        try (Writers app = new Writers(db, 2, (c, random) -> {
            update(c, "INSERT INTO events (seen) SELECT false FROM generate_series(1, 10)");
            sleep(2);
        })) {
            Thread.sleep(50);
            result = DataJob.update("events").set("seen = true").where("NOT seen").dataSource(db.dataSource())
                    .options(Options.defaults().withChunk(Duration.ofMillis(15), 10, 50).withMaxRowsPerSecond(1_000))
                    .build().run();
            app.close();
            assertEquals(List.of(), List.copyOf(app.failures), "no application write failed");
            assertTrue(app.writes.get() * 10L > result.rowsChanged(),
                    "the application inserted faster than the job changed rows: " + app.writes.get() * 10L);
        }
        assertEquals("succeeded", result.outcome());
        assertEquals(0, db.count("SELECT count(*) FROM events WHERE id <= " + lastKeyAtStart + " AND NOT seen"),
                "every row there when the job started was changed");
        assertEquals(result.rowsChanged(), db.count("SELECT count(*) FROM events WHERE seen"));
    }

    @Test
    void aMoveNeitherLosesNorDoublesARow(TestDatabase db) throws Exception {
        db.execute("CREATE SCHEMA IF NOT EXISTS archive",
                "CREATE TABLE tickets (id bigserial PRIMARY KEY, state text NOT NULL, v int NOT NULL DEFAULT 0)",
                "CREATE TABLE archive.tickets (LIKE tickets)",
                "ALTER TABLE archive.tickets ADD PRIMARY KEY (id)",
                "INSERT INTO tickets (state) SELECT CASE WHEN g % 2 = 0 THEN 'closed' ELSE 'open' END"
                        + " FROM generate_series(1, " + ROWS + ") g");
        Map<Long, Integer> increments = new ConcurrentHashMap<>();
        Map<Long, Boolean> deleted = new ConcurrentHashMap<>();
        JobResult result;
        try (Writers app = new Writers(db, 3, (c, random) -> {
            long id = 1 + random.nextInt(ROWS);
            switch (random.nextInt(5)) {
                case 0 -> update(c, "INSERT INTO tickets (state) VALUES (CASE WHEN random() < 0.5 THEN 'closed'"
                        + " ELSE 'open' END)");
                case 1 -> {
                    if (update(c, "UPDATE tickets SET v = v + 1 WHERE id = ?", id) == 1) {
                        increments.merge(id, 1, Integer::sum);
                    }
                }
                case 2 -> update(c, "UPDATE tickets SET state = CASE state WHEN 'open' THEN 'closed' ELSE 'open'"
                        + " END WHERE id = ?", id);
                case 3 -> {
                    if (update(c, "DELETE FROM tickets WHERE id = ? AND id % 5 = 0", id) == 1) {
                        deleted.put(id, true);
                    }
                }
                default -> update(c, "SELECT pg_sleep(0.001)");
            }
        })) {
            Thread.sleep(200);
            result = DataJob.move("tickets", "archive.tickets").where("state = 'closed'")
                    .dataSource(db.dataSource()).options(OPTIONS).build().run();
            Thread.sleep(200);
            app.close();
            assertEquals(List.of(), List.copyOf(app.failures), "no application write failed");
        }
        assertEquals("succeeded", result.outcome());
        assertEquals(result.rowsChanged(), db.count("SELECT count(*) FROM archive.tickets"));
        assertEquals(0, db.count("SELECT count(*) FROM tickets t JOIN archive.tickets a USING (id)"),
                "no row in both");
        assertEquals(0, db.count("SELECT count(*) FROM archive.tickets WHERE state <> 'closed'"));
        long maxId = db.count("SELECT max(id) FROM (SELECT id FROM tickets UNION ALL SELECT id FROM archive.tickets) x");
        List<Long> missing = new ArrayList<>();
        for (List<String> row : db.rows("SELECT g FROM generate_series(1, " + maxId + ") g WHERE g NOT IN"
                + " (SELECT id FROM tickets UNION ALL SELECT id FROM archive.tickets)")) {
            long id = Long.parseLong(row.get(0));
            if (!deleted.containsKey(id) && id <= ROWS) {
                missing.add(id);
            }
        }
        assertEquals(List.of(), missing, "no row lost");
        for (List<String> row : db.rows("SELECT id, v FROM tickets WHERE id <= " + ROWS + " UNION ALL"
                + " SELECT id, v FROM archive.tickets WHERE id <= " + ROWS)) {
            long id = Long.parseLong(row.get(0));
            assertEquals(increments.getOrDefault(id, 0), Integer.parseInt(row.get(1)),
                    "row " + id + " carries every increment the application made");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            if (ps.execute()) {
                return 0;
            }
            return ps.getUpdateCount();
        }
    }
}
