package dev.doppel.engine.cutover;

import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.ShadowFixture;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The swap alone, in one transaction: the shadow takes the source's place, names and all. */
@PostgresTest
@Tag("matrix")
class SwapTest {

    @Test
    void theShadowTakesTheSourcesNameIndexesSequenceCommentGrantsAndTheOldTableMovesAside(TestDatabase db)
            throws SQLException {
        db.execute("CREATE TABLE orders (id serial PRIMARY KEY, total int NOT NULL, note text)"
                        + " WITH (fillfactor = 90, autovacuum_enabled = true)",
                "CREATE INDEX orders_note ON orders (note)",
                "COMMENT ON TABLE orders IS 'the orders'",
                "GRANT SELECT ON orders TO PUBLIC",
                "INSERT INTO orders (total, note) SELECT g, 'n' || g FROM generate_series(1, 200) g");
        long oid = Long.parseLong(db.scalar("SELECT 'orders'::regclass::oid"));
        try (ShadowFixture f = ShadowFixture.of(db, "orders", "ALTER COLUMN total TYPE bigint")) {
            f.session.execute(MigrationSql.holdAutovacuum(f.names.shadow()));
            f.copyAll();
            f.buildDeferred();
            Swap swap = new Swap(f.source, f.shadow, f.sql, f.names.oldTableName(Instant.now()), false,
                    MaterializedViews.none(f.source, f.names));
            AfterSwap.ForeignKeys toSettle = f.session.transaction(swap::run);
            assertEquals(List.of(), toSettle.validate(), "nothing references orders");
            assertEquals(List.of(), toSettle.attach());
        }
        assertEquals("bigint", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'orders'::regclass AND attname = 'total'"));
        assertEquals(List.of(List.of("orders_note"), List.of("orders_pkey")), db.rows("SELECT relname FROM pg_class"
                + " c JOIN pg_index x ON x.indexrelid = c.oid WHERE x.indrelid = 'orders'::regclass ORDER BY 1"));
        assertEquals("public.orders_id_seq", db.scalar("SELECT pg_get_serial_sequence('orders', 'id')"));
        assertEquals("{fillfactor=90,autovacuum_enabled=true}", db.scalar("SELECT reloptions::text FROM pg_class"
                + " WHERE oid = 'orders'::regclass"), "autovacuum is as the source had it, nothing of doppel's");
        assertEquals("the orders", db.scalar("SELECT obj_description('orders'::regclass, 'pg_class')"));
        assertEquals("true", db.scalar("SELECT has_table_privilege('public', 'orders', 'SELECT')::text"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), "no capture is left");
        assertEquals(db.rows("SELECT id, total::bigint, note FROM doppel.\"" + db.scalar("SELECT relname FROM"
                        + " pg_class WHERE relnamespace = 'doppel'::regnamespace AND relname LIKE 'old_" + oid
                        + "_%'") + "\" ORDER BY id"),
                db.rows("SELECT id, total, note FROM orders ORDER BY id"), "the old table is kept, rows equal");
        db.execute("INSERT INTO orders (total) VALUES (1)");
        assertEquals("201", db.scalar("SELECT max(id) FROM orders"), "the sequence goes on from where it was");
    }
}
