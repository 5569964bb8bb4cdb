package dev.doppel.liquibase;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.SchemaShape;
import dev.doppel.engine.testing.TestDatabase;
import liquibase.Contexts;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
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
 * Real Liquibase against a real server: a changelog of the changes the extension takes, made online while writers
 * run, ends in the schema Liquibase's own executor gives; a kill mid-change set resumes on the next update; a second
 * update does nothing; a change set inside Liquibase's transaction is refused with the fix.
 */
@PostgresTest
class DoppelLiquibaseTest {

    private static final String HEADER = """
            <?xml version="1.0" encoding="UTF-8"?>
            <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                    http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
            """;
    private static final String BASE = """
              <changeSet id="1" author="test" runInTransaction="false">
                <sql>CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, total numeric(12,2) NOT NULL,
                  status text);
                INSERT INTO orders SELECT g, 1 + g % 100, g / 100.0, 'new' FROM generate_series(1, 5000) g;
                CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
                INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 100) g</sql>
              </changeSet>
            """;
    private static final String CHANGES = """
              <changeSet id="2" author="test" runInTransaction="false">
                <modifyDataType tableName="orders" columnName="total" newDataType="bigint"/>
              </changeSet>
              <changeSet id="3" author="test" runInTransaction="false">
                <createIndex tableName="orders" indexName="orders_customer"><column name="customer_id"/></createIndex>
              </changeSet>
              <changeSet id="4" author="test" runInTransaction="false">
                <addForeignKeyConstraint baseTableName="orders" baseColumnNames="customer_id"
                    constraintName="orders_customer_fk" referencedTableName="customers" referencedColumnNames="id"/>
              </changeSet>
              <changeSet id="5" author="test" runInTransaction="false">
                <addNotNullConstraint tableName="orders" columnName="status" columnDataType="text"/>
              </changeSet>
              <changeSet id="6" author="test" runInTransaction="false">
                <addColumn tableName="orders"><column name="note" type="text"/></addColumn>
              </changeSet>
              <changeSet id="7" author="test" runInTransaction="false">
                <customChange class="dev.doppel.liquibase.DoppelCustomChange">
                  <param name="sql" value="ALTER TABLE orders ADD COLUMN flag boolean"/>
                </customChange>
              </changeSet>
            </databaseChangeLog>
            """;

    @AfterEach
    void disable() {
        System.clearProperty("doppel.online");
    }

    private static void update(TestDatabase db, Path changelog, String schema) throws Exception {
        db.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        try (Connection c = db.connect()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            database.setDefaultSchemaName(schema);
            database.setLiquibaseSchemaName(schema);
            new Liquibase(changelog.getFileName().toString(), new DirectoryResourceAccessor(changelog.getParent()),
                    database).update(new Contexts());
        }
    }

    private static Path changelog(Path dir, String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, HEADER + body);
        return file;
    }

    @Test
    void theChangesMadeOnlineWhileWritersRunEndAsLiquibasesOwnExecutorLeavesThem(TestDatabase db, @TempDir Path dir)
            throws Exception {
        // The same path in two folders: Liquibase knows a change set by its file's path, id and author.
        Path base = changelog(Files.createDirectories(dir.resolve("first")), "changelog.xml", BASE
                + "</databaseChangeLog>\n");
        Path all = changelog(Files.createDirectories(dir.resolve("all")), "changelog.xml", BASE + CHANGES);
        update(db, all, "plain");
        update(db, base, "online");

        System.setProperty("doppel.online", "true");
        AtomicBoolean stop = new AtomicBoolean();
        Set<Long> written = new ConcurrentSkipListSet<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> writer = pool.submit(() -> {
            try (Connection c = db.connect(); PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO online.orders (id, customer_id, total, status) VALUES (?, NULL, 7, 'new')")) {
                for (long id = 100_001; !stop.get(); id++) {
                    insert.setLong(1, id);
                    insert.executeUpdate();
                    written.add(id);
                }
            }
            return null;
        });
        try {
            update(db, all, "online");
        } finally {
            stop.set(true);
            writer.get();
            pool.shutdown();
        }
        assertEquals(SchemaShape.of(db, "plain", "databasechangelog"),
                SchemaShape.of(db, "online", "databasechangelog"));
        Set<Long> expected = LongStream.rangeClosed(1, 5000).boxed().collect(Collectors.toSet());
        expected.addAll(written);
        assertEquals(expected, db.rows("SELECT id FROM online.orders").stream().map(r -> Long.parseLong(r.get(0)))
                .collect(Collectors.toSet()));
        assertEquals(db.rows("SELECT id, total FROM plain.orders ORDER BY id"),
                db.rows("SELECT id, total FROM online.orders WHERE id <= 5000 ORDER BY id"));
        assertTrue(db.count("SELECT count(*) FROM doppel.script_files WHERE script LIKE 'liquibase:%' AND state = 'done'")
                >= 5, "the changes went through doppel");

        long ran = db.count("SELECT count(*) FROM online.databasechangelog");
        update(db, all, "online");
        assertEquals(ran, db.count("SELECT count(*) FROM online.databasechangelog"));
    }

    @Test
    void aKillMidChangeSetResumesOnTheNextUpdate(TestDatabase db, @TempDir Path dir) throws Exception {
        db.execute("CREATE SCHEMA killed", "CREATE TABLE killed.events (id int PRIMARY KEY, kind text)",
                "CREATE TABLE killed.runs (n int)", "INSERT INTO killed.events SELECT g, 'a' FROM generate_series(1, 2000) g");
        Path changelog = changelog(dir, "killed.xml", """
                  <changeSet id="1" author="test" runInTransaction="false">
                    <comment>doppel:online</comment>
                    <sql>INSERT INTO runs VALUES (1);
                    CREATE INDEX events_kind ON events (kind);
                    INSERT INTO runs VALUES (3)</sql>
                  </changeSet>
                </databaseChangeLog>
                """);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection holder = db.connect(); Statement hs = holder.createStatement()) {
            holder.setAutoCommit(false);
            hs.execute("INSERT INTO killed.events VALUES (100000, 'b')");
            Future<?> run = pool.submit(() -> {
                update(db, changelog, "killed");
                return null;
            });
            String building = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'doppel apply'"
                    + " AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'";
            for (int i = 0; i < 600 && db.count(building) == 0; i++) {
                Thread.sleep(100);
            }
            db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'doppel apply'");
            Exception failed = assertThrows(Exception.class, run::get);
            assertTrue(failed.getCause() instanceof LiquibaseException, failed.toString());
            holder.rollback();
        } finally {
            pool.shutdown();
        }
        assertEquals(0, db.count("SELECT count(*) FROM killed.databasechangelog"));

        update(db, changelog, "killed");
        assertEquals(List.of(List.of("1"), List.of("3")), db.rows("SELECT n FROM killed.runs ORDER BY n"));
        assertEquals(List.of(List.of("events_kind", "true")), db.rows("SELECT c.relname, x.indisvalid::text FROM pg_index x"
                + " JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = 'killed.events'::regclass"
                + " AND NOT x.indisprimary"));
        update(db, changelog, "killed");
        assertEquals(2, db.count("SELECT count(*) FROM killed.runs"));
    }

    @Test
    void aChangeSetInsideLiquibasesTransactionIsRefusedWithTheFix(TestDatabase db, @TempDir Path dir) throws Exception {
        db.execute("CREATE SCHEMA locked", "CREATE TABLE locked.t (id int PRIMARY KEY, a int)");
        Path changelog = changelog(dir, "locked.xml", """
                  <changeSet id="1" author="test">
                    <comment>doppel:online</comment>
                    <createIndex tableName="t" indexName="t_a"><column name="a"/></createIndex>
                  </changeSet>
                </databaseChangeLog>
                """);
        LiquibaseException refused = assertThrows(LiquibaseException.class, () -> update(db, changelog, "locked"));
        assertTrue(refused.getMessage().contains("runInTransaction=\\\"false\\\"")
                || refused.getMessage().contains("runInTransaction=\"false\""), refused.getMessage());
        assertEquals(0, db.count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'locked' AND indexname = 't_a'"));
    }
}
