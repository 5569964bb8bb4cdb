package dev.doppel.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An SVG chart with one panel per online scenario (its last run): per second of intended start, p99 and max
 * latency on a log scale, and the writes completed per second in grey; the change's phases as vertical lines.
 */
final class LatencyChart {

    private static final int WIDTH = 960;
    private static final int PANEL = 230;
    private static final int LEFT = 60;
    private static final int RIGHT = 60;
    private static final int TOP = 30;
    private static final int PLOT = PANEL - TOP - 30;

    private LatencyChart() {
    }

    static void write(Report report, Path file) throws IOException {
        Map<String, ScenarioResult> last = new LinkedHashMap<>();
        report.runs().stream().filter(r -> r.workload() != null).forEach(r -> last.put(r.id(), r));
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                WIDTH, PANEL * Math.max(1, last.size())));
        int i = 0;
        for (ScenarioResult r : last.values()) {
            panel(svg, r, i++ * PANEL);
        }
        svg.append("</svg>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, svg.toString());
    }

    private static void panel(StringBuilder svg, ScenarioResult r, int y0) {
        List<LatencyLog.Second> series = r.workload().series();
        double seconds = Math.max(1, series.size());
        double maxLatency = series.stream().mapToDouble(LatencyLog.Second::max).max().orElse(1);
        double decades = Math.max(1, Math.ceil(Math.log10(Math.max(maxLatency, 1) * 10)));
        long maxOps = Math.max(1, series.stream().mapToLong(LatencyLog.Second::completed).max().orElse(1));
        int plotWidth = WIDTH - LEFT - RIGHT;
        int bottom = y0 + TOP + PLOT;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n", LEFT,
                y0 + 18, escape(r.title() + " — p99 (red) and max (orange) latency, ms, log scale;"
                        + " writes completed per second (grey, right axis)")));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/>\n", LEFT, y0 + TOP, plotWidth, PLOT));
        for (int d = 0; d <= decades; d++) {
            double y = bottom - PLOT * d / decades;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT, LEFT + plotWidth, y, y,
                    LEFT - 4, y + 4, d == 0 ? "≤0.1" : String.format(Locale.ROOT, "%.0f", Math.pow(10, d - 1))));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%,d/s</text>"
                        + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f s</text>\n", LEFT + plotWidth + 4,
                y0 + TOP + 10, maxOps, LEFT + plotWidth, bottom + 14, seconds));
        StringBuilder ops = new StringBuilder();
        StringBuilder p99 = new StringBuilder();
        StringBuilder max = new StringBuilder();
        for (LatencyLog.Second s : series) {
            double x = LEFT + plotWidth * (s.second() + 0.5) / seconds;
            ops.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, bottom - PLOT * (double) s.completed() / maxOps));
            if (s.due() > 0) {
                p99.append(point(x, s.p99(), bottom, decades));
                max.append(point(x, s.max(), bottom, decades));
            }
        }
        svg.append(polyline(ops, "#bbb")).append(polyline(max, "orange")).append(polyline(p99, "red"));
        for (LatencyLog.Mark m : r.workload().marks()) {
            double x = LEFT + plotWidth * m.at() / seconds;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#36c\""
                    + " stroke-dasharray=\"3,3\"/><text x=\"%.1f\" y=\"%d\" fill=\"#36c\" transform=\"rotate(-90 %.1f %d)\">"
                    + "%s</text>\n", x, x, y0 + TOP, bottom, x + 3, bottom - 4, x + 3, bottom - 4, escape(m.label())));
        }
    }

    private static String point(double x, double millis, int bottom, double decades) {
        double level = Math.max(0, Math.log10(Math.max(millis, 0.1)) + 1);
        return String.format(Locale.ROOT, "%.1f,%.1f ", x, bottom - PLOT * Math.min(level, decades) / decades);
    }

    private static String polyline(StringBuilder points, String color) {
        return "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.5\" points=\"" + points + "\"/>\n";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
