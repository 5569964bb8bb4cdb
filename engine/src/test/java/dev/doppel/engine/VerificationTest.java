package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verification must catch a shadow that differs, name the keys, and stop before the swap. */
@PostgresTest
class VerificationTest {

    @Test
    void aCorruptedShadowStopsTheMigrationAndNamesTheKeys(TestDatabase db) {
        db.execute("CREATE TABLE ledger (id int PRIMARY KEY, amount numeric)",
                "INSERT INTO ledger SELECT g, g FROM generate_series(1, 5000) g");
        String shadow = "doppel.shadow_" + db.scalar("SELECT 'ledger'::regclass::oid");
        MigrationListener corrupt = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.VERIFY) {
                    db.execute("UPDATE " + shadow + " SET amount = -1 WHERE id = 4242",
                            "DELETE FROM " + shadow + " WHERE id = 17");
                }
            }
        };
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("ledger").alter("ALTER COLUMN amount TYPE bigint")
                .listener(corrupt).build().run());
        assertEquals("verify_mismatch", e.reason());
        assertTrue(e.getMessage().contains("(4242) (values differ)"), e.getMessage());
        assertTrue(e.getMessage().contains("(17) (missing from the shadow)"), e.getMessage());
        assertEquals("numeric", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'ledger'::regclass AND attname = 'amount'"));
        assertNull(db.scalar("SELECT to_regclass('" + shadow + "')::text"), "the shadow is removed");
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'ledger'::regclass AND NOT tgisinternal"));
    }

    @Test
    void columnsWithoutAHashFunctionAreComparedByText(TestDatabase db) {
        db.execute("CREATE TABLE shapes (id int PRIMARY KEY, p point, j json)",
                "INSERT INTO shapes SELECT g, point(g, g), json_build_object('g', g) FROM generate_series(1, 2000) g");
        Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("shapes")
                .alter("ALTER COLUMN id TYPE bigint").build().run();
        assertEquals(2000, r.verify().sourceRows());
        assertEquals(2000, r.verify().shadowRows());
    }
}
