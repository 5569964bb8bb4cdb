package dev.doppel.engine.testing;

import dev.doppel.engine.server.PostgresServer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class TestHarnessTest {

    private static String firstSeen;

    @Test
    void serverMajorIsTheOneAskedFor(TestDatabase db) {
        int versionNum = Integer.parseInt(db.scalar("SHOW server_version_num"));
        if (!"external".equals(db.server().provider())) {
            assertEquals(Integer.parseInt(TestPostgres.major()), versionNum / 10000,
                    "the server should be the major chosen by -Dpg.major");
        }
        assertEquals("logical", db.scalar("SHOW wal_level"));
    }

    @Test
    void eachTestClassHasItsOwnDatabaseSharedByItsMethods(TestDatabase db) {
        assertEquals(db.name(), db.scalar("SELECT current_database()"));
        synchronized (TestHarnessTest.class) {
            if (firstSeen == null) {
                firstSeen = db.name();
            }
            assertEquals(firstSeen, db.name());
        }
        TestDatabase other = TestPostgres.newDatabase("other");
        assertNotEquals(db.name(), other.name());
        other.execute("CREATE TABLE only_here (id int)");
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname = 'only_here'"));
        assertEquals(1, other.count("SELECT count(*) FROM pg_class WHERE relname = 'only_here'"));
    }

    @Test
    void anExternalServerIsUsedWhenTheUrlVariableIsSet(TestDatabase db) {
        PostgresServer running = TestPostgres.server();
        String url = running.jdbcUrl("postgres") + "?user=" + running.user()
                + (running.password() == null ? "" : "&password=" + running.password());
        PostgresServer external = TestPostgres.provide(Map.of(TestPostgres.URL_VARIABLE, url));
        assertEquals("external", external.provider());
        TestDatabase onExternal = TestPostgres.newDatabase(external, "via_url");
        assertEquals("1", onExternal.scalar("SELECT 1"));
        assertTrue(db.count("SELECT count(*) FROM pg_database WHERE datname = '" + onExternal.name() + "'") == 1,
                "the database made through the URL lives on the same server");
    }
}
