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
