package dev.doppel.cli;

import dev.doppel.engine.Phase;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {

    @Test
    void lineShowsRowsPercentRateAndEta() {
        assertEquals("450,000 rows  45%  50,000 rows/s  ETA 0:11", Progress.line(450_000, 1_000_000, 50_000));
        assertEquals("10 rows  100%  5 rows/s", Progress.line(10, 8, 5));
        assertEquals("10 rows  0 rows/s", Progress.line(10, 0, 0));
        assertEquals("0 rows  0%  1 rows/s  ETA 2:46:40", Progress.line(0, 10_000, 1));
    }

    @Test
    void terminalUpdatesInPlaceAndEndsTheLineAtTheNextPhase() {
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), true);
        p.copied(100, 1000, 50);
        p.copied(200, 1000, 50);
        p.phase(Phase.INDEX, "building 1 indexes");
        String s = sw.toString();
        assertTrue(s.startsWith("\r") && s.contains("\r") && s.indexOf("200 rows") > s.indexOf("100 rows"), s);
        assertTrue(s.matches("(?s).*ETA 0:16\\n +\\d+\\.\\ds  index +building 1 indexes\\n"), s);
    }

    @Test
    void withoutATerminalCopyLinesAreRare() {
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), false);
        p.phase(Phase.COPY, "copying");
        for (int i = 1; i <= 100; i++) {
            p.copied(i, 100, 1000);
        }
        assertFalse(sw.toString().contains("\r"));
        assertEquals(1, sw.toString().lines().count(), sw.toString());
    }

    @Test
    void thePartitionBeingCopiedIsNamedOnTheCopyLine() {
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), true);
        p.phase(Phase.COPY, "copying about 1000 rows partition by partition (24)");
        p.copyingPartition("public.events_p202603", 4, 24);
        p.copied(100, 1000, 50);
        String s = sw.toString();
        assertTrue(s.contains("100 rows  10%  50 rows/s  ETA 0:18  in public.events_p202603 (4 of 24)"), s);
        assertFalse(s.contains("copying public.events"), "no line of its own right after the phase's: " + s);
    }
}
