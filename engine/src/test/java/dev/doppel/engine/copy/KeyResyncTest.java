package dev.doppel.engine.copy;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.ShadowFixture;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The re-sync alone, against a real server: logged keys in, the shadow equal to the transformed source out. */
@PostgresTest
class KeyResyncTest {

    private static String sourceAsShadow(String table) {
        return "SELECT id, owner, (total * 100)::bigint FROM " + table + " ORDER BY id";
    }

    @Test
    void reSyncMakesTheShadowEqualTheTransformedSourceWhateverHappenedToEachKey(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE acct1 (id int PRIMARY KEY, owner text, total int)",
                "INSERT INTO acct1 SELECT g, 'o' || g, g FROM generate_series(1, 100) g");
        try (ShadowFixture f = ShadowFixture.of(db, "acct1", "ALTER COLUMN total TYPE bigint USING total * 100")) {
            f.copyAll();
            f.buildDeferred();
            db.execute("UPDATE acct1 SET total = total + 1 WHERE id <= 10",
                    "UPDATE acct1 SET id = id + 1000 WHERE id BETWEEN 11 AND 20",
                    "DELETE FROM acct1 WHERE id BETWEEN 21 AND 30",
                    "INSERT INTO acct1 VALUES (500, NULL, NULL)",
                    "UPDATE acct1 SET owner = NULL WHERE id = 40",
                    "UPDATE acct1 SET total = total + 1 WHERE id <= 5");
            long logged = db.count("SELECT count(*) FROM " + f.names.log());
            KeyResync resync = new KeyResync(f.session, f.sql, 7);
            assertEquals(logged, resync.drain(0, Duration.ofSeconds(30)), "every entry applied, in batches of 7");
            assertEquals(0, db.count("SELECT count(*) FROM " + f.names.log()));
            assertEquals(db.rows(sourceAsShadow("acct1")), db.rows("SELECT id, owner, total FROM " + f.names.shadow()
                    + " ORDER BY id"));

            db.execute("UPDATE acct1 SET owner = 'again' WHERE id = 1");
            f.session.execute("INSERT INTO " + f.names.log() + " (doppel_op, id) SELECT doppel_op, id FROM "
                    + f.names.log());
            assertEquals(2, resync.drain(0, Duration.ofSeconds(30)), "a key logged twice is applied twice, harmlessly");
            assertEquals(db.rows(sourceAsShadow("acct1")), db.rows("SELECT id, owner, total FROM " + f.names.shadow()
                    + " ORDER BY id"));
        }
    }

    @Test
    void aTruncateEmptiesTheShadowAndRowsWrittenAfterItComeBack(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE acct2 (id int PRIMARY KEY, owner text, total int)",
                "INSERT INTO acct2 SELECT g, 'o' || g, g FROM generate_series(1, 50) g");
        try (ShadowFixture f = ShadowFixture.of(db, "acct2", "ALTER COLUMN total TYPE bigint USING total * 100")) {
            f.copyAll();
            f.buildDeferred();
            db.execute("TRUNCATE acct2", "INSERT INTO acct2 VALUES (7, 'after', 3)");
            new KeyResync(f.session, f.sql, 100).drain(0, Duration.ofSeconds(30));
            assertEquals(db.rows(sourceAsShadow("acct2")), db.rows("SELECT id, owner, total FROM " + f.names.shadow()
                    + " ORDER BY id"));
            assertEquals(0, db.count("SELECT count(*) FROM " + f.names.log()));
        }
    }

    @Test
    void aGuardThatRefusesABatchLeavesItsEntriesLoggedAndTheShadowUntouched(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE acct3 (id int PRIMARY KEY, owner text, total int)",
                "INSERT INTO acct3 SELECT g, 'o' || g, g FROM generate_series(1, 20) g");
        try (ShadowFixture f = ShadowFixture.of(db, "acct3", "ALTER COLUMN total TYPE bigint USING total * 100")) {
            f.copyAll();
            f.buildDeferred();
            db.execute("DELETE FROM acct3 WHERE id = 3");
            KeyResync refusing = new KeyResync(f.session, f.sql, 10, (s, ids) -> {
                throw new IllegalStateException("refused " + ids.length);
            });
            assertThrows(IllegalStateException.class, () -> refusing.drain(0, Duration.ofSeconds(30)));
            assertEquals(1, db.count("SELECT count(*) FROM " + f.names.log()));
            assertEquals(20, db.count("SELECT count(*) FROM " + f.names.shadow()));
        }
    }

    @Test
    void underALockTheReSyncGivesUpAtItsDeadlineAndItsTransactionKeepsEveryEntry(TestDatabase db)
            throws SQLException {
        db.execute("CREATE TABLE acct4 (id int PRIMARY KEY, owner text, total int)",
                "INSERT INTO acct4 SELECT g, 'o' || g, g FROM generate_series(1, 1000) g");
        try (ShadowFixture f = ShadowFixture.of(db, "acct4", "ALTER COLUMN total TYPE bigint USING total * 100")) {
            f.copyAll();
            f.buildDeferred();
            db.execute("UPDATE acct4 SET total = 0");
            KeyResync resync = new KeyResync(f.session, f.sql, 5_000);
            assertNull(f.session.transaction(s -> resync.applyAllBefore(s, System.nanoTime() - 1)));
            assertEquals(1000, db.count("SELECT count(*) FROM " + f.names.log()));
            Long applied = f.session.transaction(s -> resync.applyAllBefore(s, Long.MAX_VALUE));
            assertEquals(1000L, applied);
            assertEquals(db.rows(sourceAsShadow("acct4")), db.rows("SELECT id, owner, total FROM "
                    + f.names.shadow() + " ORDER BY id"));
        }
    }
}
