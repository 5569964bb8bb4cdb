package dev.doppel.engine.throttle;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Limits as operators write them, and as the control row keeps them. */
class ThrottleSettingsTest {

    @Test
    void limitsTakeTheirMeasuresUnits() {
        assertEquals(Map.entry(Measure.WAL_RATE, new Threshold(20 * 1024 * 1024, 100 * 1024 * 1024)),
                ThrottleSettings.parseLimit("wal-rate=20MB/s:100MB"));
        assertEquals(Map.entry(Measure.REPLICA_LAG, new Threshold(0.5, 60)),
                ThrottleSettings.parseLimit("replica-lag=500ms:1min"));
        assertEquals(Map.entry(Measure.LOCK_WAITERS, new Threshold(3, 0)), ThrottleSettings.parseLimit("lock-waiters=3"));
    }

    @Test
    void theControlRowFormRoundTrips() {
        Map<Measure, Threshold> limits = ThrottleSettings.parseLimits("slot-lag=1GB,probe=2.5:10,replica-lag=5");
        assertEquals(limits, ThrottleSettings.parseLimits(ThrottleSettings.formatLimits(limits)));
    }

    @Test
    void theRecordedFormKeepsNoCredentials() {
        String shown = ThrottleSettings.none().withReplicas(List.of(
                "jdbc:postgresql://standby2:5432/shop?user=doppel&password=secret")).toString();
        assertFalse(shown.contains("secret"), shown);
        assertTrue(shown.contains("standby2:5432"), shown);
    }

    @Test
    void recordedReplicaUrlsLoseEveryPasswordParameter() {
        assertEquals(List.of("jdbc:postgresql://standby2:5432/shop?user=doppel",
                        "jdbc:postgresql://standby3/shop?user=doppel&sslmode=require",
                        "jdbc:postgresql://standby4/shop"),
                ThrottleSettings.none().withReplicas(List.of(
                        "jdbc:postgresql://standby2:5432/shop?user=doppel&password=secret",
                        "jdbc:postgresql://standby3/shop?PASSWORD=a&user=doppel&sslpassword=b&sslmode=require",
                        "jdbc:postgresql://standby4/shop?password=secret")).recordableReplicas());
    }

    @Test
    void aResumesFlagsReplaceTheirRecordedCounterparts() {
        ThrottleSettings recorded = ThrottleSettings.none().withLimit(Measure.PROBE, new Threshold(10, 50))
                .withLimit(Measure.LOCK_WAITERS, new Threshold(2, 0)).withProbe("SELECT 1")
                .withReplicas(List.of("jdbc:postgresql://standby2/shop"))
                .withOnCritical(ThrottleSettings.Critical.ABORT, Duration.ofMinutes(1));
        ThrottleSettings nothingGiven = ThrottleSettings.none().over(recorded);
        assertEquals(recorded, nothingGiven);
        ThrottleSettings given = ThrottleSettings.none().withLimit(Measure.PROBE, new Threshold(20, 0))
                .withOnCritical(ThrottleSettings.Critical.PAUSE, null).withReplayRowsPerSecond(5).over(recorded);
        assertEquals(Map.of(Measure.PROBE, new Threshold(20, 0), Measure.LOCK_WAITERS, new Threshold(2, 0)),
                given.limits());
        assertEquals(ThrottleSettings.Critical.PAUSE, given.onCritical());
        assertEquals(Duration.ofMinutes(1), given.pause(), "the recorded pause, since none was given");
        assertEquals("SELECT 1", given.probe());
        assertEquals(recorded.replicas(), given.replicas());
        assertEquals(5, given.replayRowsPerSecond());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("unknown throttle limit 'lag'; the limits are wal-rate, replica-lag, slot-lag, active-sessions,"
                + " lock-waiters and probe", assertThrows(IllegalArgumentException.class,
                () -> ThrottleSettings.parseLimit("lag=5")).getMessage());
        assertEquals("'MB' is not a unit for replica-lag; give ms, s or min", assertThrows(
                IllegalArgumentException.class, () -> ThrottleSettings.parseLimit("replica-lag=5MB")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThrottleSettings.parseLimit("probe=10:5"));
    }
}
