package dev.doppel.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationsTest {

    @Test
    void readsEachUnit() {
        assertEquals(Duration.ofMillis(100), Durations.parse("100ms"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
        assertEquals(Duration.ofHours(24), Durations.parse("24h"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
    }

    @Test
    void refusesWhatIsNotANumberAndAUnit() {
        for (String bad : new String[] {"", "100", "ms", "1.5s", "-5s", "5 s", "5S", "5sec", "1h30m", "5s5"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> Durations.parse(bad), bad);
            assertTrue(e.getMessage().contains("e.g. 100ms"), e.getMessage());
        }
    }

    @Test
    void formatsTheLargestWholeUnitAndReadsBack() {
        assertEquals("100ms", Durations.format(Duration.ofMillis(100)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("2s", Durations.format(Duration.ofSeconds(2)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("30m", Durations.format(Duration.ofMinutes(30)));
        assertEquals("24h", Durations.format(Duration.ofDays(1)));
        assertEquals("0", Durations.format(Duration.ZERO));
        for (Duration d : new Duration[] {Duration.ofMillis(7), Duration.ofSeconds(61), Duration.ofHours(49)}) {
            assertEquals(d, Durations.parse(Durations.format(d)));
        }
    }
}
