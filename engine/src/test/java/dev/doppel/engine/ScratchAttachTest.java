package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLWarning;
import java.sql.Statement;

@PostgresTest
class ScratchAttachTest {
    @Test
    void debug(TestDatabase db) throws Exception {
        db.execute("CREATE SCHEMA s", "CREATE TABLE s.r (k int, v text) PARTITION BY RANGE (k)",
                "CREATE TABLE s.r1 PARTITION OF s.r FOR VALUES FROM (MINVALUE) TO (100)",
                "CREATE TABLE s.r2 PARTITION OF s.r FOR VALUES FROM (100) TO (200)",
                "CREATE TABLE s.rd PARTITION OF s.r DEFAULT",
                "CREATE TABLE s.l (k text, v text) PARTITION BY LIST (k)",
                "CREATE TABLE s.l1 PARTITION OF s.l FOR VALUES IN ('a', NULL)",
                "CREATE TABLE s.l2 PARTITION OF s.l FOR VALUES IN ('b', 'c')",
                "CREATE TABLE s.ld PARTITION OF s.l DEFAULT",
                "INSERT INTO s.r SELECT g, 'x' FROM generate_series(1, 300) g",
                "INSERT INTO s.l VALUES ('a', 'x'), (NULL, 'y'), ('b', 'z'), ('q', 'w')");
        for (String[] t : new String[][] {{"s.r", "s.r2", "s.rd"}, {"s.l", "s.l1", "s.ld"}, {"s.l", "s.l2", "s.ld"}}) {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                String cons = db.scalar("SELECT pg_get_partition_constraintdef('" + t[1] + "'::regclass)");
                String bound = db.scalar("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE oid = '" + t[1] + "'::regclass");
                System.out.println("CONS " + cons + " BOUND " + bound);
                st.execute("ALTER TABLE ONLY " + t[2] + " ADD CONSTRAINT o CHECK (NOT (" + cons + ")) NOT VALID");
                st.execute("ALTER TABLE " + t[2] + " VALIDATE CONSTRAINT o");
                st.execute("CREATE TABLE s.copy (LIKE " + t[1] + " INCLUDING ALL)");
                st.execute("ALTER TABLE s.copy ADD CONSTRAINT b CHECK (" + cons + ")");
                st.execute("INSERT INTO s.copy SELECT * FROM " + t[1]);
                st.execute("SET client_min_messages = debug1");
                st.execute("ALTER TABLE " + t[0] + " DETACH PARTITION " + t[1]);
                print(st.getWarnings()); st.clearWarnings();
                st.execute("ALTER TABLE " + t[0] + " ATTACH PARTITION s.copy " + bound);
                print(st.getWarnings()); st.clearWarnings();
                c.rollback();
            }
        }
    }

    private static void print(SQLWarning w) {
        for (; w != null; w = w.getNextWarning()) {
            System.out.println("WARN " + w.getMessage());
        }
    }
}
