package dev.doppel.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An SVG chart of the per-second series of every scenario's last run, on shared axes so that runs compare at a
 * glance (a throttled copy against an unthrottled one): rows copied per second, WAL written per second, and the
 * furthest standby's replay lag when a standby was there. One coloured line per scenario, seconds since the change
 * started along the bottom.
 */
final class RateChart {

    private static final int WIDTH = 960;
    private static final int PANEL = 220;
    private static final int LEFT = 70;
    private static final int RIGHT = 170;
    private static final int TOP = 30;
    private static final int PLOT = PANEL - TOP - 30;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#17becf"};
    private static final double MB = 1024.0 * 1024;
    /** Runs of at most this many seconds get a marker on each second. */
    private static final int MARKED = 120;

    /**
     * One series: its title, its unit, each second's value (null where it was not measured), and which runs it is
     * drawn for.
     */
    private record Measure(String title, String unit, Function<RateSeries.Second, Double> value,
                           Predicate<ScenarioResult> drawn) {
    }

    private static final List<Measure> MEASURES = List.of(
            new Measure("rows copied per second", "rows/s", s -> (double) s.rowsCopied(), ScenarioResult::copies),
            new Measure("WAL written per second (the whole server's)", "MB/s", s -> s.walBytes() / MB, r -> true),
            new Measure("standby replay lag", "MB", s -> s.replicaLagBytes() == null ? null
                    : s.replicaLagBytes() / MB, r -> true));

    private RateChart() {
    }

    static void write(Report report, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, svg(report));
    }

    /**
     * The chart's text. A panel is left out when no run has a value above 0 in it (no standby, or no scenario
     * that copies), and a run is left out of a panel it has no values for (rows copied: a scenario that is not
     * doppel's).
     */
    static String svg(Report report) {
        Map<String, ScenarioResult> last = new LinkedHashMap<>();
        report.runs().stream().filter(r -> r.perSecond() != null && !r.perSecond().isEmpty())
                .forEach(r -> last.put(r.id(), r));
        Map<String, String> colors = new LinkedHashMap<>();
        last.keySet().forEach(id -> colors.put(id, COLORS[colors.size() % COLORS.length]));
        List<Measure> shown = MEASURES.stream().filter(m -> last.values().stream()
                .anyMatch(r -> r.perSecond().stream().map(m.value()).anyMatch(v -> v != null && v > 0))).toList();
        int seconds = last.values().stream().mapToInt(r -> r.perSecond().size()).max().orElse(1);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                WIDTH, PANEL * Math.max(1, shown.size())));
        int y0 = 0;
        for (Measure m : shown) {
            panel(svg, m, last, colors, seconds, y0);
            y0 += PANEL;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void panel(StringBuilder svg, Measure m, Map<String, ScenarioResult> runs,
                              Map<String, String> colors, int seconds, int y0) {
        double max = runs.values().stream().flatMap(r -> r.perSecond().stream()).map(m.value())
                .filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(1);
        double top = Math.max(max, 1e-9);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int bottom = y0 + TOP + PLOT;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s, %s, per second"
                + " of the change</text>\n", LEFT, y0 + 18, escape(m.title()), escape(m.unit())));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/>\n", LEFT, y0 + TOP, plotWidth, PLOT));
        for (int tick = 0; tick <= 4; tick++) {
            double y = bottom - PLOT * tick / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT, LEFT + plotWidth, y, y,
                    LEFT - 4, y + 4, number(top * tick / 4)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0 s</text><text x=\"%d\" y=\"%d\""
                + " text-anchor=\"end\">%d s</text>\n", LEFT, bottom + 14, LEFT + plotWidth, bottom + 14, seconds));
        int legend = 0;
        for (Map.Entry<String, ScenarioResult> run : runs.entrySet()) {
            if (!m.drawn().test(run.getValue())) {
                continue;
            }
            List<String> points = new ArrayList<>();
            for (RateSeries.Second s : run.getValue().perSecond()) {
                Double v = m.value().apply(s);
                if (v != null) {
                    double x = LEFT + plotWidth * (s.second() - 0.5) / seconds;
                    points.add(String.format(Locale.ROOT, "%.1f,%.1f", x, bottom - PLOT * v / top));
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            String color = colors.get(run.getKey());
            svg.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"")
                    .append(String.join(" ", points)).append("\"><title>").append(escape(run.getKey()))
                    .append("</title></polyline>\n");
            // A short run has few seconds, perhaps one: a line through one point would not show.
            if (points.size() <= MARKED) {
                for (String p : points) {
                    String[] xy = p.split(",");
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"/>",
                            xy[0], xy[1], color));
                }
                svg.append('\n');
            }
            int ly = y0 + TOP + 12 + 14 * legend++;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\""
                            + " stroke-width=\"3\"/><text x=\"%d\" y=\"%d\">%s</text>\n", LEFT + plotWidth + 10,
                    LEFT + plotWidth + 28, ly - 4, ly - 4, color, LEFT + plotWidth + 32, ly,
                    escape(run.getKey())));
        }
    }

    private static String number(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
