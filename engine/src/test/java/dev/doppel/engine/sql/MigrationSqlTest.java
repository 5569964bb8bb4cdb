package dev.doppel.engine.sql;

import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.ShadowFixture;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generated statements run on a real server and do what their callers rely on. */
@PostgresTest
@Tag("matrix")
class MigrationSqlTest {

    @Test
    void theCaptureLogsKeysOnlyOldAndNewForAKeyChangeAndATruncate(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE pair (a int, b text, v int, PRIMARY KEY (a, b))",
                "INSERT INTO pair VALUES (1, 'x', 10), (2, 'y', 20)");
        try (ShadowFixture f = ShadowFixture.of(db, "pair", "ALTER COLUMN v TYPE bigint")) {
            db.execute("INSERT INTO pair VALUES (3, 'z', 30)", "UPDATE pair SET v = 11 WHERE a = 1",
                    "UPDATE pair SET b = 'w' WHERE a = 2", "DELETE FROM pair WHERE a = 3", "TRUNCATE pair");
            assertEquals(List.of(List.of("+", "3", "z"), List.of("~", "1", "x"), List.of("~", "2", "y"),
                            List.of("+", "2", "w"), List.of("-", "3", "z"), List.of("T", "", "")),
                    db.rows("SELECT doppel_op, coalesce(a::text, ''), coalesce(b, '') FROM " + f.names.log()
                            + " ORDER BY doppel_id"));
            assertEquals(6, f.session.number(f.sql.backlog()));
            assertEquals(1, f.session.number(f.sql.truncatePending()));
        }
    }

    @Test
    void logEntriesAreDeletedByIdNeverByRange(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE one (id int PRIMARY KEY)");
        try (ShadowFixture f = ShadowFixture.of(db, "one", "ADD COLUMN note text")) {
            db.execute("INSERT INTO one SELECT generate_series(1, 5)");
            f.session.update(f.sql.deleteLogEntries(), (Object) new Long[] {1L, 3L, 5L});
            assertEquals(List.of(List.of("2"), List.of("4")), db.rows("SELECT id FROM " + f.names.log()
                    + " ORDER BY id"));
        }
    }

    @Test
    void aChunkCopiesInKeyOrderAndReportsItsLastKey(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE num (id int PRIMARY KEY, v int)",
                "INSERT INTO num SELECT g, g FROM generate_series(1, 10) g");
        try (ShadowFixture f = ShadowFixture.of(db, "num", "ALTER COLUMN v TYPE text USING (v * 2)::text")) {
            assertEquals("10", f.session.one(f.sql.endKey(), rs -> rs.getString(1)), "the largest key, not as text");
            List<String> first = f.session.one(f.sql.copyChunk(true, false), rs -> List.of(rs.getString(1),
                    rs.getString(2)), MigrationSql.copyChunkParams(null, null, 4));
            assertEquals(List.of("4", "4"), first);
            List<String> next = f.session.one(f.sql.copyChunk(false, false), rs -> List.of(rs.getString(1),
                    rs.getString(2)), MigrationSql.copyChunkParams(new String[] {"4"}, null, 4));
            assertEquals(List.of("4", "8"), next);
            List<String> capped = f.session.one(f.sql.copyChunk(false, true), rs -> List.of(rs.getString(1),
                    rs.getString(2)), MigrationSql.copyChunkParams(new String[] {"8"}, new String[] {"9"}, 4));
            assertEquals(List.of("1", "9"), capped, "no row past the end key");
            List<String> none = f.session.one(f.sql.copyChunk(false, true), rs -> List.of(rs.getString(1),
                    rs.getString(2)), MigrationSql.copyChunkParams(new String[] {"9"}, new String[] {"9"}, 4));
            assertEquals(List.of("0", "9"), none, "an empty range ends at the end key");
            assertEquals(List.of(List.of("1", "2"), List.of("8", "16")), db.rows("SELECT id, v FROM "
                    + f.names.shadow() + " WHERE id IN (1, 8) ORDER BY id"));
            assertEquals(9, db.count("SELECT count(*) FROM " + f.names.shadow()));
            List<String> rest = f.session.one(f.sql.copyChunk(false, false), rs -> List.of(rs.getString(1),
                    rs.getString(2)), MigrationSql.copyChunkParams(new String[] {"9"}, null, 4));
            assertEquals(List.of("1", "10"), rest, "fewer rows than the limit: up to the last row");
        }
    }

    @Test
    void dropCaptureRemovesTriggersAndFunctionThenTheLog(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE gone (id int PRIMARY KEY)");
        try (ShadowFixture f = ShadowFixture.of(db, "gone", "ADD COLUMN note text")) {
            for (String statement : f.sql.dropCaptureTriggers(f.source.qualified())) {
                f.session.execute(statement);
            }
            assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'gone'::regclass"
                    + " AND NOT tgisinternal"));
            db.execute("INSERT INTO gone VALUES (1)");
            assertEquals(0, db.count("SELECT count(*) FROM " + f.names.log()), "nothing logs into it any more");
            f.session.execute(f.sql.dropLog());
            assertEquals(false, f.session.exists(f.names.log()));
        }
    }

    @Test
    void theCutoverLocksReferencingTablesBeforeTheTableItself(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE parent (id int PRIMARY KEY)", "CREATE TABLE kid_b (p int REFERENCES parent)",
                "CREATE TABLE kid_a (p int REFERENCES parent)", "CREATE TABLE unrelated (id int)");
        try (Session s = Session.open(db.dataSource(), "test")) {
            String lock = CutoverSql.lockInOrder(s, new CatalogReader(s).read("parent"));
            assertTrue(lock.matches("LOCK TABLE kid_[ab], kid_[ab], \"public\"\\.\"parent\" IN ACCESS EXCLUSIVE MODE"),
                    lock);
        }
    }
}
