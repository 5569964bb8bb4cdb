package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verification must catch a shadow that differs, name the keys, and stop before the swap. */
@PostgresTest
class VerificationTest {

    /** Unthrottled, each side in one scan; throttled, range by range of blocks at the copy's pace. */
    @ParameterizedTest(name = "max rows/s {0}")
    @ValueSource(longs = {0, 40_000})
    void aCorruptedShadowStopsTheMigrationAndNamesTheKeys(long maxRowsPerSecond, TestDatabase db) {
        db.execute("DROP TABLE IF EXISTS ledger", "CREATE TABLE ledger (id int PRIMARY KEY, amount numeric)",
                "INSERT INTO ledger SELECT g, g FROM generate_series(1, 5000) g", "ANALYZE ledger");
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
                .options(Options.defaults().withChunk(Duration.ofMillis(10), 100, 200)
                        .withMaxRowsPerSecond(maxRowsPerSecond))
                .listener(corrupt).build().run());
        assertEquals(Reason.VERIFY_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("(4242) (values differ)"), e.getMessage());
        assertTrue(e.getMessage().contains("(17) (missing from the shadow)"), e.getMessage());
        assertEquals("numeric", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'ledger'::regclass AND attname = 'amount'"));
        assertNull(db.scalar("SELECT to_regclass('" + shadow + "')::text"), "the shadow is removed");
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'ledger'::regclass AND NOT tgisinternal"));
    }

    @Test
    void swappedValuesAndAnExtraShadowRowAreFoundAndNamed(TestDatabase db) {
        db.execute("CREATE TABLE swaps (id int PRIMARY KEY, a int, b int)",
                "INSERT INTO swaps SELECT g, g, -g FROM generate_series(1, 5000) g");
        String shadow = "doppel.shadow_" + db.scalar("SELECT 'swaps'::regclass::oid");
        MigrationListener corrupt = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.VERIFY) {
                    // The same multiset of values, moved between rows and between columns: only a hash that covers
                    // the key and each column's position sees it.
                    db.execute("UPDATE " + shadow + " SET a = CASE id WHEN 100 THEN 200 ELSE 100 END"
                                    + " WHERE id IN (100, 200)",
                            "UPDATE " + shadow + " SET a = b, b = a WHERE id = 300",
                            "INSERT INTO " + shadow + " (id, a, b) VALUES (9999, 1, -1)");
                }
            }
        };
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("swaps").alter("ALTER COLUMN b TYPE bigint")
                .listener(corrupt).build().run());
        assertEquals(Reason.VERIFY_MISMATCH, e.reason());
        for (String key : List.of("(100) (values differ)", "(200) (values differ)", "(300) (values differ)",
                "(9999) (only in the shadow)")) {
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
        assertTrue(e.getMessage().contains("source has 5000 rows, shadow 5001"), e.getMessage());
    }

    @Test
    void keysOfEveryKindAreBucketedAndNamed(TestDatabase db) {
        // uuid and text have their own hash function; varchar's is text's (hashed as a record), and so is a pair.
        for (String[] kind : List.of(new String[] {"uuid", "md5(g::text)::uuid"}, new String[] {"text", "'k' || g"},
                new String[] {"varchar(20)", "'k' || g"}, new String[] {"int, k2 int", "g, g % 7"})) {
            boolean pair = kind[0].contains(",");
            db.execute("DROP TABLE IF EXISTS keyed", "CREATE TABLE keyed (k " + kind[0] + ", v int, PRIMARY KEY (k"
                    + (pair ? ", k2" : "") + "))", "INSERT INTO keyed SELECT " + kind[1] + ", g FROM"
                    + " generate_series(1, 3000) g");
            String shadow = "doppel.shadow_" + db.scalar("SELECT 'keyed'::regclass::oid");
            String victim = db.scalar("SELECT k::text FROM keyed WHERE v = 1234");
            MigrationListener corrupt = new MigrationListener() {
                @Override
                public void phase(Phase phase, String detail) {
                    if (phase == Phase.VERIFY) {
                        db.execute("UPDATE " + shadow + " SET v = -1 WHERE v = 1234");
                    }
                }
            };
            DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                    .dataSource(db.dataSource()).table("keyed").alter("ALTER COLUMN v TYPE bigint")
                    .listener(corrupt).build().run(), kind[0]);
            assertEquals(Reason.VERIFY_MISMATCH, e.reason());
            assertTrue(e.getMessage().contains("(" + victim + (pair ? "," + 1234 % 7 : "") + ") (values differ)"),
                    e.getMessage());
            Result r = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("keyed")
                    .alter("ALTER COLUMN v TYPE bigint").build().run();
            assertEquals(3000, r.verify().shadowRows(), kind[0]);
        }
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
