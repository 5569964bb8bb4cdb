package dev.doppel.engine.cutover;

import dev.doppel.engine.sql.Session;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A retained table goes in steps, each lock taken in attempts of 50 ms: a reader holding the table for longer
 * than one attempt only delays the drop, which a single lock_timeout-bounded DROP would have failed.
 */
@PostgresTest
class OldTableDropTest {

    @Test
    void dropsIndexesRowsAndTableWaitingOutAReaderInShortAttempts(TestDatabase db) throws Exception {
        db.execute("CREATE SCHEMA IF NOT EXISTS doppel",
                "CREATE TABLE doppel.old_kept (id int PRIMARY KEY, body text UNIQUE, n int)",
                "CREATE INDEX old_kept_n ON doppel.old_kept (n)",
                "INSERT INTO doppel.old_kept SELECT g, 'b' || g, g FROM generate_series(1, 20000) g");
        long bytes;
        try (Connection reader = db.connect(); Statement st = reader.createStatement();
             Session s = new Session(db.connect())) {
            reader.setAutoCommit(false);
            st.executeQuery("SELECT count(*) FROM doppel.old_kept").close();
            CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(600);
                    reader.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            LockRetry lockRetry = new LockRetry(s, Duration.ofMillis(50), 60, Duration.ofSeconds(2));
            bytes = new OldTableDrop(s, lockRetry, Duration.ofMillis(10)).drop("doppel.old_kept");
            release.join();
        }
        assertTrue(bytes > 0, "size before the drop: " + bytes);
        assertNull(db.scalar("SELECT to_regclass('doppel.old_kept')::text"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname LIKE 'old_kept%'"));
    }
}
