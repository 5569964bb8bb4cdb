package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * plan's disk, replica and slot sections, from the shaded jar, with a real standby connection: a physical
 * replication stream opened through PgJDBC's replication API on a slot of its own.
 */
@Tag("jar")
@PostgresTest
class PlanServerJarTest {

    private static final String STANDBY = "doppel_jar_standby";
    private static final String SLOT = "doppel_jar_slot";

    @Test
    void planShowsTheDiskTheStreamingStandbyAndItsSlot(TestDatabase db) throws Exception {
        Tables.orders(db, "planned_orders", 2_000);
        db.execute("SELECT pg_create_physical_replication_slot('" + SLOT + "', true)");
        // A physical stream may start no later than the flushed WAL; the test servers commit asynchronously.
        LogSequenceNumber flushed = LogSequenceNumber.valueOf(db.scalar("SELECT pg_current_wal_flush_lsn()"));
        try (Connection standby = replicationConnection(db);
             PGReplicationStream stream = standby.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                     .physical().withSlotName(SLOT)
                     .withStartPosition(flushed).start()) {
            stream.forceUpdateStatus();
            awaitStandby(db);

            Jar.Result json = Jar.run(db, Map.of(), "plan", "--table", "planned_orders", "--alter", Tables.TO_CENTS,
                    "--json");
            assertEquals(0, json.exitCode(), json::toString);
            String plan = json.out().strip();
            long size = db.count("SELECT pg_total_relation_size('planned_orders')");
            assertEquals(String.valueOf(size), JsonField.at(db, plan, "{disk,shadow_bytes}"), plan);
            assertEquals(String.valueOf(size), JsonField.at(db, plan, "{disk,wal_bytes}"));
            boolean local = db.server().provider().equals("embedded");
            assertEquals(String.valueOf(local), JsonField.at(db, plan, "{disk,checked}"), plan);
            if (local) {
                assertTrue(Long.parseLong(JsonField.at(db, plan, "{disk,file_systems,0,free_bytes}")) > 0, plan);
            }
            assertEquals(STANDBY, JsonField.at(db, plan, "{replicas,0,name}"), plan);
            assertEquals("streaming", JsonField.at(db, plan, "{replicas,0,state}"), plan);
            String slots = JsonField.at(db, plan, "{slots}");
            assertTrue(slots.contains("\"name\": \"" + SLOT + "\"") && slots.contains("\"active\": true"), slots);

            Jar.Result text = Jar.run(db, Map.of(), "plan", "--table", "planned_orders", "--alter", Tables.TO_CENTS);
            assertEquals(0, text.exitCode(), text::toString);
            assertTrue(text.out().contains("disk         needs about "), text::toString);
            assertTrue(text.out().contains("replicas\n  " + STANDBY + " (streaming): lag write "), text::toString);
            assertTrue(text.out().contains("  " + SLOT + " (physical, active): retains "), text::toString);
        } finally {
            awaitSlotReleased(db);
            db.execute("SELECT pg_drop_replication_slot('" + SLOT + "')");
        }
    }

    private static Connection replicationConnection(TestDatabase db) throws Exception {
        Properties p = new Properties();
        PGProperty.USER.set(p, db.server().user());
        if (db.server().password() != null) {
            PGProperty.PASSWORD.set(p, db.server().password());
        }
        PGProperty.REPLICATION.set(p, "true");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        PGProperty.APPLICATION_NAME.set(p, STANDBY);
        return DriverManager.getConnection(db.jdbcUrl(), p);
    }

    private static void awaitStandby(TestDatabase db) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (db.count("SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + STANDBY
                    + "' AND state = 'streaming'") == 1) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the standby connection never showed as streaming in pg_stat_replication");
    }

    private static void awaitSlotReleased(TestDatabase db) throws InterruptedException {
        for (int i = 0; i < 100 && db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + SLOT
                + "' AND active") > 0; i++) {
            Thread.sleep(100);
        }
    }
}
