package dev.doppel.engine.faults;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.TableShape;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Other sessions getting in the way: a lock held across the cut-over, a TRUNCATE mid-copy, DDL mid-copy. */
@PostgresTest
@Tag("matrix")
class InterferenceTest {

    private static final TableShape SHAPE = new TableShape(List.of(TableShape.KeyPart.INT),
            List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT));
    private static final String CHANGE = "ALTER COLUMN k0 TYPE bigint, ADD COLUMN added int DEFAULT 5";

    private static void prepare(TestDatabase db, String table) {
        db.execute("CREATE SCHEMA IF NOT EXISTS oracle");
        Oracle.create(db, SHAPE, table, "oracle." + table, 5_000, table.hashCode());
    }

    @Test
    void aLockHeldAcrossTheCutoverNeverStallsWritersAndTheMigrationResumesLater(TestDatabase db) throws Exception {
        prepare(db, "contended");
        Options options = FaultMatrixTest.smallChunks().withLockAttempts(5).withLockTimeout(Duration.ofMillis(100));
        try (OracleWriters writers = new OracleWriters(db, SHAPE, "contended", "oracle.contended", 5_001).start(2, 5, 2);
             Connection holder = db.connect(); Statement st = holder.createStatement()) {
            MigrationListener lockBeforeCutover = new MigrationListener() {
                @Override
                public void phase(Phase phase, String detail) {
                    if (phase == Phase.CUTOVER) {
                        try {
                            holder.setAutoCommit(false);
                            st.execute("SELECT count(*) FROM contended");
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };
            DoppelException stopped = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                    .dataSource(db.dataSource()).table("contended").alter(CHANGE).options(options)
                    .listener(lockBeforeCutover).build().run());
            assertEquals(Reason.STOPPED, stopped.reason());
            assertTrue(stopped.getMessage().contains("could not take the lock in 5 attempts"), stopped.getMessage());
            assertTrue(writers.slowestWriteMillis() < 1_000, "a write waited " + writers.slowestWriteMillis()
                    + " ms behind doppel's lock attempts");
            holder.rollback();
            long id = Migrations.on(db.dataSource()).list().get(0).id();
            Migrations.on(db.dataSource()).options(FaultMatrixTest.smallChunks()).resume(id);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        Oracle.blockingAlter(db, "oracle.contended", CHANGE);
        Oracle.assertSameRows(db, "contended", "oracle.contended");
    }

    @Test
    void lowServerTimeoutsDoNotCancelDoppelsSteps(TestDatabase db) throws Exception {
        prepare(db, "strict");
        db.execute("ALTER DATABASE " + db.name() + " SET statement_timeout = '20ms'",
                "ALTER DATABASE " + db.name() + " SET idle_in_transaction_session_timeout = '20ms'",
                "ALTER DATABASE " + db.name() + " SET lock_timeout = '10ms'");
        try {
            OnlineSchemaChange.builder().dataSource(db.dataSource()).table("strict").alter(CHANGE)
                    .options(FaultMatrixTest.smallChunks()).build().run();
        } finally {
            db.execute("ALTER DATABASE " + db.name() + " RESET statement_timeout",
                    "ALTER DATABASE " + db.name() + " RESET idle_in_transaction_session_timeout",
                    "ALTER DATABASE " + db.name() + " RESET lock_timeout");
        }
        Oracle.blockingAlter(db, "oracle.strict", CHANGE);
        Oracle.assertSameRows(db, "strict", "oracle.strict");
    }

    @Test
    void aDroppedConnectionMidCopyStopsResumably(TestDatabase db) throws Exception {
        prepare(db, "dropped");
        AtomicBoolean killed = new AtomicBoolean();
        try (OracleWriters writers = new OracleWriters(db, SHAPE, "dropped", "oracle.dropped", 5_001).start(2, 9, 2)) {
            MigrationListener dropWorker = new MigrationListener() {
                @Override
                public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                    if (rows > 1_000 && killed.compareAndSet(false, true)) {
                        db.scalar("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                + " WHERE application_name = 'doppel worker' AND datname = current_database()");
                    }
                }
            };
            DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                    .dataSource(db.dataSource()).table("dropped").alter(CHANGE).options(FaultMatrixTest.smallChunks())
                    .listener(dropWorker).build().run());
            assertEquals(Reason.STOPPED, e.reason(), e.getMessage());
            long id = Migrations.on(db.dataSource()).list().get(0).id();
            assertNull(Migrations.on(db.dataSource()).get(id).outcome());
            Migrations.on(db.dataSource()).options(FaultMatrixTest.smallChunks()).resume(id);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        Oracle.blockingAlter(db, "oracle.dropped", CHANGE);
        Oracle.assertSameRows(db, "dropped", "oracle.dropped");
    }

    @Test
    void somethingThatCannotBeCarriedAppearingMidMigrationStopsItBeforeTheSwap(TestDatabase db) {
        prepare(db, "grown");
        MigrationListener addRule = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.VERIFY) {
                    db.execute("CREATE RULE grown_no_delete AS ON DELETE TO grown DO INSTEAD NOTHING");
                }
            }
        };
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("grown").alter(CHANGE).options(FaultMatrixTest.smallChunks())
                .listener(addRule).build().run());
        assertEquals(Reason.STOPPED, e.reason());
        assertTrue(e.getMessage().contains("rule grown_no_delete"), e.getMessage());
        assertEquals("integer", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'grown'::regclass AND attname = 'k0'"));
        Migrations.on(db.dataSource()).abort(Migrations.on(db.dataSource()).list().get(0).id());
        assertEquals(1, db.count("SELECT count(*) FROM pg_rules WHERE rulename = 'grown_no_delete'"));
    }

    @Test
    void truncateDuringTheCopy(TestDatabase db) throws Exception {
        prepare(db, "emptied");
        AtomicBoolean done = new AtomicBoolean();
        try (OracleWriters writers = new OracleWriters(db, SHAPE, "emptied", "oracle.emptied", 5_001).start(2, 6, 2)) {
            MigrationListener truncate = new MigrationListener() {
                @Override
                public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                    if (rows > 1_000 && done.compareAndSet(false, true)) {
                        db.execute("BEGIN", "TRUNCATE emptied", "TRUNCATE oracle.emptied", "COMMIT");
                    }
                }
            };
            OnlineSchemaChange.builder().dataSource(db.dataSource()).table("emptied").alter(CHANGE)
                    .options(FaultMatrixTest.smallChunks()).listener(truncate).build().run();
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        assertTrue(done.get());
        Oracle.blockingAlter(db, "oracle.emptied", CHANGE);
        Oracle.assertSameRows(db, "emptied", "oracle.emptied");
    }

    @Test
    void ddlOnTheSourceDuringTheCopyStopsTheMigrationCleanly(TestDatabase db) {
        prepare(db, "altered");
        AtomicBoolean done = new AtomicBoolean();
        MigrationListener ddl = new MigrationListener() {
            @Override
            public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                if (done.compareAndSet(false, true)) {
                    db.execute("ALTER TABLE altered ADD COLUMN sneaky int");
                }
            }
        };
        DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("altered").alter(CHANGE).options(FaultMatrixTest.smallChunks())
                .listener(ddl).build().run());
        assertEquals(Reason.SOURCE_CHANGED, e.reason());
        assertTrue(e.getMessage().contains("changed while doppel was migrating it"), e.getMessage());
        assertEquals(Outcome.FAILED, Migrations.on(db.dataSource()).list().get(0).outcome());
        assertEquals(1, db.count("SELECT count(*) FROM pg_attribute WHERE attrelid = 'altered'::regclass"
                + " AND attname = 'sneaky'"));
        assertEquals("integer", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'altered'::regclass AND attname = 'k0'"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'altered'::regclass AND NOT tgisinternal"));
        assertNull(db.scalar("SELECT string_agg(relname, ',') FROM pg_class WHERE relnamespace = 'doppel'::regnamespace"
                + " AND (relname LIKE 'shadow%' OR relname LIKE 'log%')"));
    }
}
