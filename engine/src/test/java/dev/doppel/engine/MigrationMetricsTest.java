package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
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
}
