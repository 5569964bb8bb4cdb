package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** doppel update, delete and move from the command line: plan, run, re-run, stop, status, resume, abort. */
@PostgresTest
class DataJobCommandTest {

    @Test
    void planRunAndRerunAnUpdate(TestDatabase db) {
        db.execute("CREATE TABLE posts (id int PRIMARY KEY, title text NOT NULL, slug text)",
                "INSERT INTO posts SELECT g, 'Post ' || g, CASE WHEN g % 2 = 0 THEN 'set' END"
                        + " FROM generate_series(1, 2000) g", "ANALYZE posts");
        String[] job = {"--table", "posts", "--set", "slug = lower(title)", "--where", "slug IS NULL"};

        Cli plan = Cli.against(db, "update", concat(job, "--plan", "--exact-count", "--json"));
        assertEquals(0, plan.exitCode(), plan::toString);
        assertEquals("1000", JsonField.at(db, plan.out().strip(), "{exactRows}"), plan::toString);
        assertEquals(0, db.count("SELECT count(*) FROM posts WHERE slug = lower(title)"), "the plan changed nothing");
        Cli text = Cli.against(db, "update", concat(job, "--plan"));
        assertTrue(text.out().contains("matching rows  about") && text.out().contains("no index"), text::toString);

        Cli run = Cli.against(db, "update", concat(job, "--batch-time", "20ms", "--json"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("1000", JsonField.at(db, run.out().strip(), "{rows_changed}"), run::toString);
        assertEquals("started", JsonField.at(db, run.out().strip(), "{how}"));
        assertEquals(1000, db.count("SELECT count(*) FROM posts WHERE slug = lower(title)"));

        Cli again = Cli.against(db, "update", job);
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().contains("already done"), again::toString);

        String id = JsonField.at(db, run.out().strip(), "{job_id}");
        Cli status = Cli.against(db, "status");
        assertTrue(status.out().contains(" public.posts ") && status.out().contains(" done "), status::toString);
        Cli detail = Cli.against(db, "status", id);
        assertTrue(detail.out().contains("rows changed   1,000"), detail::toString);
        assertTrue(detail.out().contains("UPDATE SET slug = lower(title) WHERE slug IS NULL"), detail::toString);
    }

    @Test
    void badInputIsRefusedWithNothingChanged(TestDatabase db) {
        db.execute("CREATE TABLE logs (id int PRIMARY KEY, at date NOT NULL)",
                "INSERT INTO logs SELECT g, date '2026-01-01' + g FROM generate_series(1, 100) g");
        Cli bad = Cli.against(db, "delete", "--table", "logs", "--where", "at < now() - interval", "--json");
        assertEquals(3, bad.exitCode(), bad::toString);
        assertEquals("invalid_job", JsonField.at(db, bad.out().strip(), "{reason}"));
        Cli archive = Cli.against(db, "move", "--table", "logs", "--where", "true", "--into", "nowhere");
        assertEquals(3, archive.exitCode(), archive::toString);
        assertTrue(archive.err().contains("nowhere does not exist"), archive::toString);
        Cli usage = Cli.against(db, "delete", "--table", "logs");
        assertEquals(2, usage.exitCode(), usage::toString);
        assertEquals(100, db.count("SELECT count(*) FROM logs"));
    }

    @Test
    void aStoppedJobIsShownResumedAndAborted(TestDatabase db) throws SQLException {
        db.execute("CREATE SCHEMA IF NOT EXISTS archive",
                "CREATE TABLE tasks (id int PRIMARY KEY, done boolean NOT NULL)",
                "CREATE TABLE archive.tasks (LIKE tasks)",
                "INSERT INTO tasks SELECT g, g % 2 = 0 FROM generate_series(1, 1000) g");
        String[] job = {"--table", "tasks", "--where", "done", "--into", "archive.tasks", "--batch-time", "20ms",
                "--lock-timeout", "50ms", "--lock-attempts", "6", "--json"};
        String id;
        try (Connection app = db.connect(); Statement s = app.createStatement()) {
            app.setAutoCommit(false);
            s.execute("SELECT * FROM tasks WHERE id = 2 FOR UPDATE");
            Cli stopped = Cli.against(db, "move", job);
            assertEquals(5, stopped.exitCode(), stopped::toString);
            assertEquals("stopped", JsonField.at(db, stopped.out().strip(), "{reason}"));
            app.rollback();
        }
        id = db.scalar("SELECT max(id) FROM doppel.migrations");
        Cli status = Cli.against(db, "status", id);
        assertTrue(status.out().contains("state          stopped"), status::toString);
        assertTrue(status.out().contains("phase          batches"), status::toString);
        assertEquals(0, Cli.against(db, "pause", id).exitCode());
        assertEquals(0, Cli.against(db, "unpause", id).exitCode());

        Cli resumed = Cli.against(db, "resume", id, "--json");
        assertEquals(0, resumed.exitCode(), resumed::toString);
        assertEquals("resumed", JsonField.at(db, resumed.out().strip(), "{how}"));
        assertEquals("500", JsonField.at(db, resumed.out().strip(), "{rows_changed}"));
        assertEquals(500, db.count("SELECT count(*) FROM archive.tasks"));
        assertEquals(0, db.count("SELECT count(*) FROM tasks WHERE done"));

        db.execute("UPDATE tasks SET done = true WHERE id <= 501");
        try (Connection app = db.connect(); Statement s = app.createStatement()) {
            app.setAutoCommit(false);
            s.execute("SELECT * FROM tasks WHERE id = 501 FOR UPDATE");
            Cli stoppedAgain = Cli.against(db, "move", concat(job, "--again"));
            assertEquals(5, stoppedAgain.exitCode(), stoppedAgain::toString);
            app.rollback();
        }
        String second = db.scalar("SELECT max(id) FROM doppel.migrations");
        Cli abort = Cli.against(db, "abort", second);
        assertEquals(0, abort.exitCode(), abort::toString);
        long moved = db.count("SELECT count(*) FROM archive.tasks") - 500;
        assertTrue(abort.out().contains("is aborted: the " + moved + " rows its batches changed stay changed"),
                abort::toString);
        assertTrue(moved > 0, abort::toString);
        assertEquals(251, moved + db.count("SELECT count(*) FROM tasks WHERE done"), "no row lost or doubled");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
