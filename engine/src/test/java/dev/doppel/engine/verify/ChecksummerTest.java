package dev.doppel.engine.verify;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.ShadowFixture;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checksum alone: equal tables pass, a difference is named by key, keys still logged are left out. */
@PostgresTest
@Tag("matrix")
class ChecksummerTest {

    private static VerifyResult verify(TestDatabase db, ShadowFixture f) throws SQLException {
        try (Session helper = Session.open(db.dataSource(), "verifier")) {
            return new Checksummer(f.session, helper, f.sql, f.source.display(), QuietPoint.ANY, null).verify();
        }
    }

    @Test
    void equalTablesPassWithTheirRowCounts(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE item1 (id bigint PRIMARY KEY, price numeric(10,2), tags text[])",
                "INSERT INTO item1 SELECT g, g / 7.0, ARRAY['t' || g % 5] FROM generate_series(1, 3000) g");
        try (ShadowFixture f = ShadowFixture.of(db, "item1", "ALTER COLUMN price TYPE numeric(12,2)")) {
            f.copyAll();
            VerifyResult result = verify(db, f);
            assertEquals(3000, result.sourceRows());
            assertEquals(3000, result.shadowRows());
            assertEquals(0, result.pendingKeysExcluded());
        }
    }

    @Test
    void aDifferenceIsNamedByItsKeyAndSide(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE item2 (a int, b text, v int, PRIMARY KEY (a, b))",
                "INSERT INTO item2 SELECT g, 'k' || g, g FROM generate_series(1, 500) g");
        try (ShadowFixture f = ShadowFixture.of(db, "item2", "ALTER COLUMN v TYPE bigint")) {
            f.copyAll();
            f.session.execute("UPDATE " + f.names.shadow() + " SET v = 0 WHERE a = 42");
            f.session.execute("DELETE FROM " + f.names.shadow() + " WHERE a = 7");
            DoppelException e = assertThrows(DoppelException.class, () -> verify(db, f));
            assertEquals(Reason.VERIFY_MISMATCH, e.reason());
            assertTrue(e.getMessage().contains("(42,k42) (values differ)"), e.getMessage());
            assertTrue(e.getMessage().contains("(7,k7) (missing from the shadow)"), e.getMessage());
        }
    }

    @Test
    void keysWithPendingEntriesAreLeftOutAndAPendingTruncateAsksForARetry(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE item3 (id int PRIMARY KEY, v int)",
                "INSERT INTO item3 SELECT g, g FROM generate_series(1, 100) g");
        try (ShadowFixture f = ShadowFixture.of(db, "item3", "ALTER COLUMN v TYPE bigint")) {
            f.copyAll();
            db.execute("UPDATE item3 SET v = -1 WHERE id IN (5, 6)", "DELETE FROM item3 WHERE id = 9");
            VerifyResult result = verify(db, f);
            assertEquals(3, result.pendingKeysExcluded());
            assertEquals(97, result.sourceRows(), "the source's rows outside the pending keys 5, 6 (and 9, deleted)");
            assertEquals(97, result.shadowRows(), "the shadow's rows outside the pending keys 5, 6 and 9");
            f.session.execute("UPDATE " + f.names.shadow() + " SET v = 0 WHERE id = 50");
            DoppelException e = assertThrows(DoppelException.class, () -> verify(db, f));
            assertTrue(e.getMessage().contains("(50) (values differ)"), "a settled row still differs beside pending"
                    + " ones: " + e.getMessage());
            db.execute("TRUNCATE item3");
            assertNull(verify(db, f), "nothing key by key means anything until the TRUNCATE is applied");
        }
    }
}
