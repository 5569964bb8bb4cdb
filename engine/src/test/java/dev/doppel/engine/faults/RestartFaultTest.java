package dev.doppel.engine.faults;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Result;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.oracle.TableShape;
import dev.doppel.engine.server.EmbeddedPostgresServer;
import dev.doppel.engine.server.EmbeddedPostgresServer.Shutdown;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.TestDatabase;
import dev.doppel.engine.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL itself restarts (fast and immediate shutdown) in the middle of the copy and of the replay while
 * writers write: doppel stops resumable, and `resume` finishes equal to the blocking-ALTER oracle. The server is
 * this class's own, so the restarts touch no other test class.
 */
@Tag("matrix")
class RestartFaultTest {

    private static final TableShape SHAPE = new TableShape(List.of(TableShape.KeyPart.INT),
            List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT));
    private static final String CHANGE = "ALTER COLUMN k0 TYPE bigint, ALTER COLUMN c0 TYPE bigint,"
            + " ADD COLUMN added int DEFAULT 5";
    private static EmbeddedPostgresServer server;

    @BeforeAll
    static void ownServer() {
        server = EmbeddedPostgresServer.start(EmbeddedPostgresServer.fastTestSettings());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static Stream<Arguments> cells() {
        return Stream.of(Shutdown.values()).flatMap(mode -> Stream.of(Phase.COPY, Phase.REPLAY)
                .map(phase -> Arguments.of(mode, phase)));
    }

    @ParameterizedTest(name = "{0} shutdown during {1}, then resumed")
    @MethodSource("cells")
    void restartedThenResumed(Shutdown mode, Phase phase) throws Exception {
        TestDatabase db = TestPostgres.newDatabase(server, "restart_" + mode + "_" + phase);
        Oracle.create(db, SHAPE, "t", "t_mirror", 8_000, 5);
        AtomicBoolean restarted = new AtomicBoolean();
        MigrationListener restartOnce = new MigrationListener() {
            @Override
            public void phase(Phase p, String detail) {
                if (p == phase && phase == Phase.REPLAY) {
                    restart();
                }
            }

            @Override
            public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                if (phase == Phase.COPY && rows >= 1_500) {
                    restart();
                }
            }

            private void restart() {
                if (restarted.compareAndSet(false, true)) {
                    server.restart(mode);
                }
            }
        };
        // These writers die with their connections at the restart; what they committed is in both tables alike.
        try (OracleWriters writers = new OracleWriters(db, SHAPE, "t", "t_mirror", 8_001).start(2, 31, 2)) {
            Thread.sleep(100);
            DoppelException e = assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder()
                    .dataSource(db.dataSource()).table("t").alter(CHANGE).options(FaultMatrixTest.smallChunks())
                    .listener(restartOnce).build().run());
            assertTrue(restarted.get(), "the server was restarted during " + phase);
            assertEquals(Reason.STOPPED, e.reason(), e.getMessage());
        }
        MigrationRecord stopped = Migrations.on(db.dataSource()).list().get(0);
        assertNull(stopped.outcome(), "the migration is left resumable");
        // The test server commits asynchronously: an immediate shutdown may lose the last phase records (each with
        // its own work, so the state only ever looks earlier than it was, and resume redoes from there).
        if (mode == Shutdown.FAST) {
            assertEquals(phase, stopped.phase());
        } else {
            assertTrue(stopped.phase().compareTo(phase) <= 0, "recorded " + stopped.phase());
        }
        try (OracleWriters writers = new OracleWriters(db, SHAPE, "t", "t_mirror", 80_001).start(2, 32, 2)) {
            Thread.sleep(100);
            Result r = Migrations.on(db.dataSource()).options(FaultMatrixTest.smallChunks()).resume(stopped.id());
            assertEquals(Outcome.SUCCEEDED, r.outcome());
            Thread.sleep(100);
            writers.close();
            Oracle.assertNoFailures(writers);
        }
        Oracle.blockingAlter(db, "t_mirror", CHANGE);
        Oracle.assertSameRows(db, "t", "t_mirror");
        Oracle.assertSameShape(db, "t", "t_mirror");
    }
}
