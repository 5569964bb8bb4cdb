package dev.doppel.flyway;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.SchemaShape;
import dev.doppel.engine.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Flyway against a real server: a project's migration folder applied online while writers run ends in the
 * schema Flyway's own executor gives; a kill mid-file is a failed migration that repair and migrate resume; a second
 * migrate does nothing; Flyway's transactional lock is refused with the fix.
 */
@PostgresTest
class DoppelFlywayTest {

    private static final String BASE = """
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, total numeric(12,2) NOT NULL, status text,
                                 ref bigint);
            INSERT INTO orders SELECT g, 1 + g % 100, g / 100.0, 'new', g FROM generate_series(1, 5000) g;
            CREATE INDEX orders_legacy ON orders (status);
            """;
    private static final String MIXED = """
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
            INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 100) g;
            CREATE INDEX customers_name ON customers (name);
            ALTER TABLE orders ALTER COLUMN total TYPE bigint USING (total * 100)::bigint;
            CREATE INDEX orders_customer ON orders (customer_id);
            ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
            ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
            ALTER TABLE orders ADD COLUMN note text;
            COMMENT ON COLUMN orders.note IS 'made online';
            DROP INDEX orders_legacy;
            CREATE UNIQUE INDEX orders_ref ON orders (ref);
            """;

    private static Flyway flyway(TestDatabase db, Path folder, String schema, boolean transactionalLock) {
        return configure(db, folder, schema, transactionalLock).load();
    }

    /** As a project configures Flyway; the lock off, as flyway.postgresql.transactional.lock=false sets it. */
    private static FluentConfiguration configure(TestDatabase db, Path folder, String schema, boolean transactionalLock) {
        FluentConfiguration c = Flyway.configure()
                .dataSource(db.jdbcUrl(), db.server().user(), db.server().password())
                .schemas(schema).defaultSchema(schema).createSchemas(true)
                .locations("filesystem:" + folder)
                .resolvers(new DoppelMigrationResolver());
        c.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).setTransactionalLock(transactionalLock);
        return c;
    }

    private static Path folder(Path root, String name, Map<String, String> files) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        return dir;
    }

    @Test
    void aFolderAppliedOnlineWhileWritersRunEndsAsFlywaysOwnExecutorLeavesIt(TestDatabase db, @TempDir Path root)
            throws Exception {
        Path plain = folder(root, "plain", Map.of("V1__base.sql", BASE, "V2__orders.sql", MIXED));
        Path online = folder(root, "online", Map.of("V1__base.sql", BASE, "D2__orders.sql", MIXED));
        assertEquals(2, flyway(db, plain, "plain", false).migrate().migrationsExecuted);
        configure(db, online, "online", false).target("1").load().migrate();

        AtomicBoolean stop = new AtomicBoolean();
        Set<Long> written = new ConcurrentSkipListSet<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> writer = pool.submit(() -> {
            try (Connection c = db.connect(); PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO online.orders (id, customer_id, total, status, ref) VALUES (?, NULL, 7, 'new', ?)")) {
                for (long id = 100_001; !stop.get(); id++) {
                    insert.setLong(1, id);
                    insert.setLong(2, id);
                    insert.executeUpdate();
                    written.add(id);
                }
            }
            return null;
        });
        MigrateResult result;
        try {
            result = flyway(db, online, "online", false).migrate();
        } finally {
            stop.set(true);
            writer.get();
            pool.shutdown();
        }
        assertEquals(1, result.migrationsExecuted);
        assertEquals(SchemaShape.of(db, "plain", "flyway_schema_history"),
                SchemaShape.of(db, "online", "flyway_schema_history"));
        Set<Long> expected = LongStream.rangeClosed(1, 5000).boxed().collect(Collectors.toSet());
        expected.addAll(written);
        assertEquals(expected, db.rows("SELECT id FROM online.orders").stream().map(r -> Long.parseLong(r.get(0)))
                .collect(Collectors.toSet()));
        assertEquals(db.rows("SELECT id, total FROM plain.orders ORDER BY id"),
                db.rows("SELECT id, total FROM online.orders WHERE id <= 5000 ORDER BY id"));
        assertEquals("true", db.scalar("SELECT bool_and(success)::text FROM online.flyway_schema_history"));

        assertEquals(0, flyway(db, online, "online", false).migrate().migrationsExecuted);
    }

    @Test
    void aKillMidFileIsAFailedMigrationThatRepairAndMigrateResume(TestDatabase db, @TempDir Path root)
            throws Exception {
        Path folder = folder(root, "killed", Map.of(
                "V1__base.sql", "CREATE TABLE events (id int PRIMARY KEY, kind text);\n"
                        + "CREATE TABLE runs (n int);\n"
                        + "INSERT INTO events SELECT g, 'a' FROM generate_series(1, 2000) g;\n",
                "D2__index.sql", "INSERT INTO runs VALUES (1);\nCREATE INDEX events_kind ON events (kind);\n"
                        + "INSERT INTO runs VALUES (3);\n"));
        configure(db, folder, "killed", false).target("1").load().migrate();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection holder = db.connect(); Statement hs = holder.createStatement()) {
            holder.setAutoCommit(false);
            hs.execute("INSERT INTO killed.events VALUES (100000, 'b')");
            Future<MigrateResult> run = pool.submit(() -> flyway(db, folder, "killed", false).migrate());
            String building = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'doppel apply'"
                    + " AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'";
            for (int i = 0; i < 600 && db.count(building) == 0; i++) {
                Thread.sleep(100);
            }
            db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'doppel apply'");
            Exception failed = assertThrows(Exception.class, run::get);
            assertTrue(failed.getCause() instanceof FlywayException, failed.toString());
            holder.rollback();
        } finally {
            pool.shutdown();
        }
        Flyway flyway = flyway(db, folder, "killed", false);
        assertEquals(MigrationState.FAILED, flyway.info().current().getState());
        assertThrows(FlywayException.class, flyway::migrate, "Flyway stops at a failed migration until repair");

        flyway.repair();
        assertEquals(1, flyway.migrate().migrationsExecuted);
        assertEquals(List.of(List.of("1"), List.of("3")), db.rows("SELECT n FROM killed.runs ORDER BY n"));
        assertEquals(List.of(List.of("events_kind", "true")), db.rows("SELECT c.relname, x.indisvalid::text FROM pg_index x"
                + " JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = 'killed.events'::regclass"
                + " AND NOT x.indisprimary"));
        assertEquals(0, flyway.migrate().migrationsExecuted);
    }

    /** Flyway reads version and description from the class name, as for any Java migration. */
    public static final class V2__Index_events extends DoppelJavaMigration {
        @Override
        protected String sql() {
            return "CREATE INDEX events_kind ON events (kind);\nALTER TABLE events ALTER COLUMN kind SET NOT NULL;";
        }
    }

    @Test
    void aJavaMigrationIsAppliedOnline(TestDatabase db, @TempDir Path root) throws IOException {
        Path folder = folder(root, "java", Map.of("V1__base.sql", "CREATE TABLE events (id int PRIMARY KEY, kind text);\n"
                + "INSERT INTO events SELECT g, 'a' FROM generate_series(1, 1000) g;\n"));
        Flyway flyway = configure(db, folder, "java", false).javaMigrations(new V2__Index_events()).load();
        assertEquals(2, flyway.migrate().migrationsExecuted);
        assertEquals("true", db.scalar("SELECT x.indisvalid::text FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
                + " WHERE c.relname = 'events_kind'"));
        assertEquals("true", db.scalar("SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'java.events'::regclass"
                + " AND attname = 'kind'"));
        assertEquals("done", db.scalar("SELECT state FROM doppel.script_files WHERE script = 'flyway:java:V2__Index_events'"));
    }

    @Test
    void flywaysTransactionalLockIsRefusedWithTheFix(TestDatabase db, @TempDir Path root) throws IOException {
        Path folder = folder(root, "locked", Map.of("V1__base.sql", "CREATE TABLE t (id int PRIMARY KEY);\n",
                "D2__index.sql", "CREATE INDEX t_id ON t (id);\n"));
        FlywayException refused = assertThrows(FlywayException.class,
                () -> flyway(db, folder, "locked", true).migrate());
        assertTrue(refused.getMessage().contains("flyway.postgresql.transactional.lock=false"), refused.getMessage());
        assertEquals(0, db.count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'locked' AND indexname = 't_id'"));
    }
}
