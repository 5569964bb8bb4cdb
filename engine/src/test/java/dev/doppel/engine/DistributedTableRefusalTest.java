package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Citus distributed table, and a shard of one, are refused by name. Citus is not in the embedded binaries, so
 * this database gets Citus's two metadata tables as Citus creates them in pg_catalog (the columns doppel reads),
 * with one hash-distributed table and one of its shards recorded.
 */
@PostgresTest
class DistributedTableRefusalTest {

    @BeforeAll
    static void citusCatalog(TestDatabase db) {
        db.execute("SET allow_system_table_mods = on",
                "CREATE TABLE pg_catalog.pg_dist_partition (logicalrelid regclass NOT NULL, partmethod \"char\" NOT NULL,"
                        + " partkey text, colocationid int, repmodel \"char\")",
                "CREATE TABLE pg_catalog.pg_dist_shard (logicalrelid regclass NOT NULL, shardid bigint NOT NULL,"
                        + " shardstorage \"char\", shardminvalue text, shardmaxvalue text)",
                "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, total numeric)",
                "CREATE TABLE orders_102008 (id bigint PRIMARY KEY, customer_id int NOT NULL, total numeric)",
                "CREATE TABLE local_notes (id bigint PRIMARY KEY, note text)",
                "INSERT INTO pg_catalog.pg_dist_partition VALUES ('orders', 'h', '{VAR :varattno 2}', 1, 's')",
                "INSERT INTO pg_catalog.pg_dist_shard VALUES ('orders', 102008, 't', '-2147483648', '-1')");
    }

    private static DoppelException refused(TestDatabase db, String table) {
        return assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder().dataSource(db.dataSource())
                .table(table).alter("ALTER COLUMN total TYPE bigint USING total::bigint").build().plan());
    }

    @Test
    void aDistributedTableIsRefusedByName(TestDatabase db) {
        DoppelException e = refused(db, "orders");
        assertEquals("distributed_table", e.reason().code());
        assertTrue(e.isRefusal());
        assertTrue(e.getMessage().startsWith("public.orders is a Citus distributed table (hash-distributed)"),
                e.getMessage());
    }

    @Test
    void aShardIsRefusedNamingItsTable(TestDatabase db) {
        DoppelException e = refused(db, "orders_102008");
        assertEquals("distributed_table", e.reason().code());
        assertTrue(e.getMessage().contains("is a shard of the Citus distributed table orders"), e.getMessage());
    }

    @Test
    void anOrdinaryTableBesideThemIsPlanned(TestDatabase db) {
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("local_notes")
                .alter("ALTER COLUMN id TYPE numeric").build().plan();
        assertEquals(Plan.Strategy.REWRITE, plan.strategy());
    }
}
