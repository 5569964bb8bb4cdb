package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import dev.doppel.engine.throttle.Measure;
import dev.doppel.engine.throttle.ThrottleSettings;
import dev.doppel.engine.throttle.Threshold;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class MigrationMetricsTest {

    @Test
    void aRunRecordsRowsPhasesAndLocks(TestDatabase db) {
        db.execute("CREATE TABLE metered (id int PRIMARY KEY, v int)",
                "INSERT INTO metered SELECT g, g FROM generate_series(1, 4321) g");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("metered").alter("ALTER COLUMN v TYPE bigint")
                .options(Options.defaults().withChunk(Duration.ofMillis(50), 500, 1000))
                .meterRegistry(registry).build().run();
        assertEquals(4321, registry.get("doppel.rows.copied").counter().count());
        assertNotNull(registry.get("doppel.phase.duration").tag("phase", "copy").timer());
        assertTrue(registry.get("doppel.lock.held").tag("lock", "cut-over (ACCESS EXCLUSIVE)").timer().count() == 1);
        assertEquals(Phase.DONE.ordinal(), registry.get("doppel.phase").gauge().value());
        assertTrue(registry.get("doppel.lock.attempts").tag("lock", "cut-over (ACCESS EXCLUSIVE)").counter()
                .count() >= 1);
        assertTrue(registry.get("doppel.chunk.rows").summary().count() >= 5, "at most 1,000 rows a chunk");
        assertEquals(4321, registry.get("doppel.chunk.rows").summary().totalAmount());
        assertEquals(registry.get("doppel.chunk.rows").summary().count(),
                registry.get("doppel.chunk.duration").timer().count());
        assertEquals(0, registry.get("doppel.replay.backlog").gauge().value());
    }

    @Test
    void writesDuringTheCopyAreCountedAsReplayedAndARefusalAsAnError(TestDatabase db) {
        db.execute("CREATE TABLE metered_replay (id int PRIMARY KEY, v int)",
                "INSERT INTO metered_replay SELECT g, g FROM generate_series(1, 3000) g");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MigrationListener writeOnce = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.INDEX) {
                    db.execute("UPDATE metered_replay SET v = -v WHERE id <= 25");
                }
            }
        };
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("metered_replay")
                .alter("ALTER COLUMN v TYPE bigint").listener(writeOnce).meterRegistry(registry).build().run();
        assertTrue(registry.get("doppel.replay.entries").counter().count() >= 25,
                "the 25 updated keys are re-synced");
        assertThrows(DoppelException.class, () -> OnlineSchemaChange.builder().dataSource(db.dataSource())
                .table("metered_missing").alter("DROP COLUMN id").meterRegistry(registry).build().run());
        assertEquals(1, registry.get("doppel.errors").tag("reason", "table_not_found").counter().count());
    }

    @Test
    void timeHeldIsRecordedPerCause(TestDatabase db) {
        db.execute("CREATE TABLE metered_held (id int PRIMARY KEY, v int)",
                "INSERT INTO metered_held SELECT g, g FROM generate_series(1, 2000) g",
                "CREATE SEQUENCE readings");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OnlineSchemaChange.builder().dataSource(db.dataSource()).table("metered_held")
                .alter("ALTER COLUMN v TYPE bigint").options(Options.defaults().withThrottle(ThrottleSettings.none()
                        .withProbe(
                        // A sequence advances even in the probe's rolled-back transaction: the first reading
                        // holds the copy, the later ones let it go.
                        "SELECT CASE WHEN nextval('readings') = 1 THEN 9 ELSE 0 END").withLimit(Measure.PROBE, new Threshold(5, 0))))
                .meterRegistry(registry).build().run();
        assertEquals(1, registry.get("doppel.throttled.time").tag("cause", "probe").timer().count());
        assertEquals(0, registry.get("doppel.throttled").gauge().value());
    }
}
