package dev.doppel.engine.shadow;

import dev.doppel.engine.sql.Session;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The index builds compress their WAL with lz4 when the server leaves compression off and the role may set it; a
 * role that may not builds without, and nothing fails.
 */
@PostgresTest
class WalCompressionTest {

    @Test
    void aSuperuserCompressesTheBuildsWalAndARoleThatMayNotBuildsWithout(TestDatabase db) throws SQLException {
        assumeTrue(db.count("SELECT count(*) FROM pg_settings WHERE name = 'wal_compression' AND setting = 'off'"
                + " AND 'lz4' = ANY(enumvals)") == 1, "a server with lz4 and WAL compression off");
        try (Session s = new Session(db.connect())) {
            assertTrue(DeferredBuilds.compressWal(s));
            assertEquals("lz4", s.text("SHOW wal_compression"));
        }
        String role = "plain_" + db.name();
        db.execute("DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN PASSWORD 'doppel'");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), role, "doppel"); Session s = new Session(c)) {
            assertFalse(DeferredBuilds.compressWal(s), "permission denied is not an error");
            assertEquals("off", s.text("SHOW wal_compression"));
            assertEquals("1", s.text("SELECT 1::text"), "the session goes on");
        }
    }
}
