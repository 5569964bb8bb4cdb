package dev.doppel.engine.sql;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batched session holds its statements back until its next round trip, and then sends them all. */
@PostgresTest
class SessionTest {

    @Test
    void batchedStatementsWaitForTheNextQueryThenRunInOrder(TestDatabase db) throws SQLException {
        try (Session s = new Session(db.connect())) {
            String seen = s.batched(b -> {
                b.execute("CREATE TABLE batched (id int)");
                b.execute("INSERT INTO batched VALUES (1)");
                b.execute("INSERT INTO batched VALUES (2)");
                assertNull(db.scalar("SELECT to_regclass('batched')::text"), "nothing was sent yet");
                String sum = b.text("SELECT sum(id)::text FROM batched");
                b.execute("ALTER TABLE batched RENAME TO batched_after");
                return sum;
            });
            assertEquals("3", seen, "the query saw every statement held before it");
            assertEquals("batched_after", db.scalar("SELECT to_regclass('batched_after')::text"),
                    "the statements held last went out when the work ended");
            s.execute("CREATE TABLE unbatched (id int)");
            assertEquals("unbatched", db.scalar("SELECT to_regclass('unbatched')::text"), "outside, nothing waits");
        }
    }

    @Test
    void aFailingStatementFailsItsBatchWithTheServersErrorAndLeavesNothingHeld(TestDatabase db) throws SQLException {
        try (Session s = new Session(db.connect())) {
            SQLException e = assertThrows(SQLException.class, () -> s.transaction(t -> t.batched(b -> {
                b.execute("CREATE TABLE first_of_batch (id int)");
                b.execute("ALTER TABLE no_such_table RENAME TO anything");
                b.execute("CREATE TABLE after_failure (id int)");
                return null;
            })));
            assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
            assertEquals(List.of(), db.rows("SELECT relname FROM pg_class WHERE relname IN ('first_of_batch',"
                    + " 'after_failure')"), "the transaction rolled back the whole batch");
            s.execute("CREATE TABLE next_statement (id int)");
            assertEquals("next_statement", db.scalar("SELECT to_regclass('next_statement')::text"),
                    "the failed batch left nothing held for later statements");
        }
    }

    @Test
    void aRehearsalSendsOnlyItsQueries(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE rehearsed (id int)");
        try (Session s = new Session(db.connect())) {
            long seen = s.rehearsed(r -> {
                r.execute("DROP TABLE rehearsed");
                r.execute("INSERT INTO rehearsed VALUES (?)", 1);
                assertEquals(0, r.update("INSERT INTO rehearsed VALUES (?)", 2));
                return r.number("SELECT count(*) FROM pg_class WHERE relname = 'rehearsed'");
            });
            assertEquals(1, seen, "the query ran, the DROP before it did not");
            s.execute("INSERT INTO rehearsed VALUES (3)");
        }
        assertEquals(List.of(List.of("3")), db.rows("SELECT id FROM rehearsed"), "after it, statements run again");
    }
}
