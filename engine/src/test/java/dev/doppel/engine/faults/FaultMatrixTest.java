package dev.doppel.engine.faults;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.Reason;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Result;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.TableShape;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.ChildProcess;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The doppel process is killed with SIGKILL in each phase while writers keep writing; then `resume` must finish
 * and equal the blocking-ALTER oracle, or `abort` must leave the source as it was plus the writes made meanwhile.
 */
@PostgresTest
@Tag("matrix")
class FaultMatrixTest {

    static final TableShape SHAPE = new TableShape(List.of(TableShape.KeyPart.INT),
            List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT));
    /** Writes mean the same before and after this change, so writers run across the swap. */
    static final String CHANGE = "ALTER COLUMN k0 TYPE bigint, ALTER COLUMN c0 TYPE bigint,"
            + " ADD COLUMN added int DEFAULT 5";

    static Options smallChunks() {
        return Options.defaults().withChunk(Duration.ofMillis(10), 200, 500).withSnapshotWait(Duration.ofMillis(300));
    }

    @ParameterizedTest(name = "killed in {0}, then resumed")
    @EnumSource(value = Phase.class, names = {"SHADOW", "CAPTURE", "COPY", "INDEX", "REPLAY", "VERIFY", "CUTOVER",
            "AFTER"})
    void killedThenResumed(Phase phase, TestDatabase db) throws Exception {
        String table = "r_" + phase.name().toLowerCase();
        prepare(db, table);
        try (OracleWriters writers = new OracleWriters(db, SHAPE, table, "oracle." + table, 5_001).start(2, 11, 2)) {
            killIn(db, table, phase);
            MigrationRecord stopped = latest(db);
            assertNull(stopped.outcome(), "a killed migration is left resumable");
            assertEquals(phase, stopped.phase(), "the state records the phase the process died in");
            if (phase == Phase.COPY) {
                assertTrue(stopped.checkpoint() != null && stopped.rowsCopied() > 0 && stopped.rowsCopied() < 5_000,
                        "killed mid-copy: " + stopped.rowsCopied() + " rows copied");
            }
            assertEquals(phase.compareTo(Phase.CUTOVER) > 0, stopped.swapped());
            Result r = Migrations.on(db.dataSource()).options(smallChunks()).resume(stopped.id());
            assertEquals(Outcome.SUCCEEDED, r.outcome());
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        Oracle.blockingAlter(db, "oracle." + table, CHANGE);
        Oracle.assertSameRows(db, table, "oracle." + table);
        Oracle.assertSameShape(db, table, "oracle." + table);
        // Nothing of doppel's stays on the table: no revert window was asked for.
        assertNull(db.scalar("SELECT string_agg(tgname, ', ' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = '" + table
                        + "'::regclass AND NOT tgisinternal"));
    }

    @ParameterizedTest(name = "killed in {0}, then aborted")
    @EnumSource(value = Phase.class, names = {"CAPTURE", "COPY", "INDEX", "VERIFY", "CUTOVER"})
    void killedThenAborted(Phase phase, TestDatabase db) throws Exception {
        String table = "a_" + phase.name().toLowerCase();
        prepare(db, table);
        String definition = definition(db, table);
        long oid = Long.parseLong(db.scalar("SELECT '" + table + "'::regclass::oid"));
        try (OracleWriters writers = new OracleWriters(db, SHAPE, table, "oracle." + table, 5_001).start(2, 12, 2)) {
            killIn(db, table, phase);
            Migrations.on(db.dataSource()).abort(latest(db).id());
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        assertEquals(Outcome.ABORTED, latest(db).outcome());
        assertEquals(definition, definition(db, table), "the source's definition is as before");
        assertEquals(oid, Long.parseLong(db.scalar("SELECT '" + table + "'::regclass::oid")));
        Oracle.assertSameRows(db, table, "oracle." + table);
        ObjectNames names = new ObjectNames(oid);
        assertEquals(0, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = " + oid + " AND NOT tgisinternal"));
        for (String leftover : List.of(names.shadow(), names.log())) {
            assertNull(db.scalar("SELECT to_regclass('" + leftover.replace("'", "''") + "')::text"));
        }
    }

    @Test
    void aFinishedMigrationCannotBeAbortedOrResumed(TestDatabase db) throws Exception {
        prepare(db, "done_once");
        killIn(db, "done_once", Phase.DONE);
        long id = latest(db).id();
        assertEquals(Reason.ALREADY_SWAPPED, assertThrows(DoppelException.class,
                () -> Migrations.on(db.dataSource()).abort(id)).reason());
        assertEquals(Reason.NOT_RESUMABLE, assertThrows(DoppelException.class,
                () -> Migrations.on(db.dataSource()).resume(id)).reason());
    }

    @Test
    void cleanupDropsExpiredOldTablesAndReportsStoppedMigrations(TestDatabase db) throws Exception {
        prepare(db, "kept");
        killIn(db, "kept", Phase.DONE);
        MigrationRecord done = latest(db);
        db.execute("UPDATE doppel.migrations SET drop_after = now() - interval '1 minute' WHERE id = " + done.id());
        prepare(db, "halfway");
        killIn(db, "halfway", Phase.COPY);
        List<String> report = Migrations.on(db.dataSource()).cleanup();
        assertTrue(report.stream().anyMatch(l -> l.startsWith("dropped " + done.oldTable())), report.toString());
        assertTrue(report.stream().anyMatch(l -> l.contains("stopped in phase copy")), report.toString());
        assertNull(db.scalar("SELECT to_regclass('" + done.oldTable().replace("'", "''") + "')::text"));
        assertNull(Migrations.on(db.dataSource()).get(done.id()).oldTable());
    }

    static void prepare(TestDatabase db, String table) {
        db.execute("CREATE SCHEMA IF NOT EXISTS oracle");
        Oracle.create(db, SHAPE, table, "oracle." + table, 5_000, table.hashCode());
    }

    private static String definition(TestDatabase db, String table) {
        return db.scalar("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)"
                + " FROM pg_attribute WHERE attrelid = '" + table + "'::regclass AND attnum > 0 AND NOT attisdropped")
                + " / " + db.scalar("SELECT string_agg(indexrelid::regclass::text, ', ' ORDER BY 1) FROM pg_index"
                + " WHERE indrelid = '" + table + "'::regclass");
    }

    static MigrationRecord latest(TestDatabase db) {
        return Migrations.on(db.dataSource()).list().get(0);
    }

    /**
     * Runs doppel in a separate JVM and kills it with SIGKILL once it reaches {@code phase} (DONE: lets it
     * finish). Waits until the killed process's backend has gone, as a real restart would.
     */
    static void killIn(TestDatabase db, String table, Phase phase) throws Exception {
        killIn(db, table, phase, Options.Capture.TRIGGER);
    }

    static void killIn(TestDatabase db, String table, Phase phase, Options.Capture capture) throws Exception {
        killIn(db, table, phase, capture, CHANGE);
    }

    static void killIn(TestDatabase db, String table, Phase phase, Options.Capture capture, String change)
            throws Exception {
        killIn(db, table, phase, capture, change, 0);
    }

    /** The same, in the copy of a partitioned table: in its {@code partition}th leaf (0: in the first chunk). */
    static void killIn(TestDatabase db, String table, Phase phase, Options.Capture capture, String change,
                       int partition) throws Exception {
        ChildProcess child = ChildProcess.start(db, MigrationChild.class, table, change,
                phase == Phase.DONE ? Phase.FAILED.name() : phase.name(), capture.name(), String.valueOf(partition));
        String outcome = child.reached();
        if (phase == Phase.DONE) {
            assertEquals("FINISHED", outcome);
            assertTrue(child.ended());
            return;
        }
        assertEquals("PAUSED", outcome, "the doppel process did not reach " + phase);
        child.kill();
    }
}
