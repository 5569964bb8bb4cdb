package dev.doppel.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-second series of every scenario's last run, drawn on shared axes, one panel per measured series. */
class RateChartTest {

    private static ScenarioResult run(String id, int repetition, List<RateSeries.Second> perSecond) {
        return new ScenarioResult(id, id, repetition, 1000, 1 << 20, perSecond.size(), 1000, 1 << 20, 0, 0, 0,
                List.of(), Map.of(), null, perSecond, null, null);
    }

    private static ScenarioResult alter(List<RateSeries.Second> perSecond) {
        return new ScenarioResult("alter", "alter", 1, 1000, 1 << 20, perSecond.size(), 0, 1 << 20, 0, 0, 0,
                List.of(), Map.of(), null, perSecond, null, null);
    }

    private static Report report(ScenarioResult... runs) {
        return new Report(null, "ALTER COLUMN total TYPE bigint", "PostgreSQL", "test", java.time.Instant.EPOCH,
                List.of(runs), Map.of());
    }

    @Test
    void throttledAndUnthrottledRunsShareEachPanelAndLagAppearsOnlyWithAStandby() {
        List<RateSeries.Second> bursts = List.of(new RateSeries.Second(1, 20L << 20, 50_000, null),
                new RateSeries.Second(2, 0, 0, null));
        List<RateSeries.Second> steady = List.of(new RateSeries.Second(1, 8L << 20, 25_000, null),
                new RateSeries.Second(2, 8L << 20, 25_000, null));
        String svg = RateChart.svg(report(run("doppel", 1, steady), run("doppel", 2, bursts),
                run("doppel-wal-throttled", 1, steady), alter(List.of(
                        new RateSeries.Second(1, 30L << 20, 0, null)))));
        assertTrue(svg.startsWith("<svg"), svg);
        assertTrue(svg.contains("rows copied per second, rows/s") && svg.contains("WAL written per second"), svg);
        assertFalse(svg.contains("standby replay lag"), "no standby, no lag panel");
        assertEquals(2, count(svg, "<title>doppel</title>"), "the last run of doppel, in both panels");
        assertEquals(1, count(svg, "<title>alter</title>"), "alter copied no rows: only in the WAL panel");
        assertTrue(svg.contains("points=\"250.0,30.0 610.0,190.0\""), "doppel's last run: the bursts, scaled to"
                + " the panel's top and bottom: " + svg);
        assertTrue(svg.contains(">30.0</text>"), "the WAL axis goes up to the highest second, 30 MB/s: " + svg);
        assertTrue(svg.contains("<circle cx=\"250.0\" cy=\"250.0\""), "alter's one second is marked: " + svg);
    }

    @Test
    void aStandbysLagGetsItsOwnPanel() {
        String svg = RateChart.svg(report(run("doppel", 1, List.of(new RateSeries.Second(1, 1L << 20, 100, 3L << 20),
                new RateSeries.Second(2, 1L << 20, 100, 1L << 20)))));
        assertTrue(svg.contains("standby replay lag, MB"), svg);
        assertEquals(3, count(svg, "<title>doppel</title>"), svg);
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
