package dev.doppel.engine;

import dev.doppel.engine.catalog.DiskHeadroom;
import dev.doppel.engine.catalog.Replication;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan's disk headroom, replication slots, and the refusal of a rewrite the disk cannot hold. */
@PostgresTest
class ServerStateTest {

    private static final String TO_BIGINT = "ALTER COLUMN v TYPE bigint";

    private static OnlineSchemaChange change(TestDatabase db, String table, Options options) {
        return OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(TO_BIGINT).options(options)
                .build();
    }

    /** Free space is known only where the data directory is on this host: the embedded server's is. */
    private static boolean local(TestDatabase db) {
        return db.server().provider().equals("embedded");
    }

    @Test
    void aRewriteNeedsTheTableTwiceOverAndSeesTheFreeSpaceOfAnEmbeddedServer(TestDatabase db) {
        db.execute("CREATE TABLE sized (id int PRIMARY KEY, v int)",
                "INSERT INTO sized SELECT g, g FROM generate_series(1, 20000) g");
        Plan plan = change(db, "sized", Options.defaults()).plan();
        DiskHeadroom disk = plan.server().disk();
        long size = db.count("SELECT pg_total_relation_size('sized')");
        assertEquals(size, disk.shadowBytes());
        assertEquals(size, disk.walBytes(), "a logged table's copy writes about its size in WAL");
        if (local(db)) {
            assertNull(disk.unchecked());
            assertFalse(disk.stores().isEmpty());
            assertEquals(2 * size, disk.stores().stream().mapToLong(DiskHeadroom.Store::neededBytes).sum());
            assertTrue(disk.stores().get(0).usableBytes() > 0);
        } else {
            assertTrue(disk.stores().isEmpty());
            assertNotNull(disk.unchecked());
            assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith("disk space not checked")));
        }
        assertTrue(plan.toText().contains("disk         needs about "), plan.toText());
    }

    @Test
    void anInPlaceChangeNeedsNoSpace(TestDatabase db) {
        db.execute("CREATE TABLE in_place (id int PRIMARY KEY, v int)");
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("in_place")
                .alter("ADD COLUMN w int").build().plan();
        assertEquals(Plan.Strategy.IN_PLACE, plan.strategy());
        assertEquals(0, plan.server().disk().shadowBytes());
        assertTrue(plan.toText().contains("disk         no rewrite: no extra space"), plan.toText());
    }

    @Test
    void moreFreeSpaceThanTheDiskHasIsRefusedBeforeAnythingIsCreated(TestDatabase db) {
        db.execute("CREATE TABLE tight (id int PRIMARY KEY, v int)",
                "INSERT INTO tight SELECT g, g FROM generate_series(1, 1000) g");
        Options impossible = Options.defaults().withMinFreeBytes(1L << 60);
        if (!local(db)) {
            assertTrue(change(db, "tight", impossible).plan().warnings().stream()
                    .anyMatch(w -> w.startsWith("disk space not checked")));
            return;
        }
        DoppelException refused = assertThrows(DoppelException.class, () -> change(db, "tight", impossible).run());
        assertEquals(Reason.DISK_SPACE, refused.reason());
        assertTrue(refused.isRefusal());
        assertTrue(refused.getMessage().contains("must stay free"), refused.getMessage());
        assertEquals("integer", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'tight'::regclass AND attname = 'v'"));
        assertNull(db.scalar("SELECT to_regclass('doppel.shadow_' || 'tight'::regclass::oid)"));
        // Under twice the reserve: a warning, not a refusal.
        long free = change(db, "tight", Options.defaults()).plan().server().disk().stores().get(0).leftBytes();
        Plan close = change(db, "tight", Options.defaults().withMinFreeBytes(free * 2 / 3)).plan();
        assertTrue(close.warnings().stream().anyMatch(w -> w.startsWith("disk space is close")), close::toString);
    }

    @Test
    void anInactiveSlotIsListedWithTheWalItRetainsAndWarnedAbout(TestDatabase db) {
        db.execute("CREATE TABLE slotted (id int PRIMARY KEY, v int)");
        String slot = "doppel_test_slot_" + db.name().toLowerCase().replaceAll("[^a-z0-9_]", "_");
        db.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true)");
        try {
            Plan plan = change(db, "slotted", Options.defaults()).plan();
            Replication.Slot listed = plan.server().replication().slots().stream()
                    .filter(s -> s.name().equals(slot)).findFirst().orElseThrow();
            assertEquals("physical", listed.type());
            assertFalse(listed.active());
            assertNotNull(listed.retainedBytes());
            assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith("replication slot " + slot
                    + " is inactive")), plan.warnings()::toString);
        } finally {
            db.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }
}
