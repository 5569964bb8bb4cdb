package dev.doppel.benchmarks;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every workload operation's latency, in HdrHistograms that are never reset: one per {@link Window} and one per
 * phase mark (three significant digits), and one per second of intended start (two digits, for the series). Keyed
 * by intended start, so an operation that waited out a stall is charged to the moment it should have run.
 */
final class LatencyLog {

    /** Where in a scenario an operation was due: before the change, during it, in doppel's cut-over, after it. */
    enum Window { BEFORE, DURING, CUTOVER, AFTER }

    /**
     * One second of the run: operations due in it, how many of those failed and their latency in milliseconds, and
     * how many operations (due whenever) completed in it, the throughput the application got.
     */
    record Second(int second, long due, long failed, double p50, double p99, double max, long completed) {
    }

    /** A moment on the run's clock, in seconds since the workload started: a phase change. */
    record Mark(double at, String label) {
    }

    private static final Histogram EMPTY = new Histogram(2);

    private final long startNanos;
    private final Map<Window, Histogram> windows = new EnumMap<>(Window.class);
    private final Map<String, Histogram> phases = new HashMap<>();
    private final Map<Integer, Histogram> perSecond = new HashMap<>();
    private final Map<Integer, Long> failedSeconds = new HashMap<>();
    private final Map<Integer, Long> completedSeconds = new HashMap<>();
    private final List<Mark> marks = new ArrayList<>();

    LatencyLog(long startNanos) {
        this.startNanos = startNanos;
        for (Window w : Window.values()) {
            windows.put(w, new Histogram(3));
        }
    }

    /** @param phase the label of the last mark before the operation was due; null before the first */
    synchronized void record(long intendedNanos, Window window, String phase, long completedNanos, boolean failed) {
        long micros = Math.max(1, (completedNanos - intendedNanos) / 1000);
        windows.get(window).recordValue(micros);
        if (phase != null) {
            phases.computeIfAbsent(phase, p -> new Histogram(3)).recordValue(micros);
        }
        int second = secondOf(intendedNanos);
        perSecond.computeIfAbsent(second, s -> new Histogram(2)).recordValue(micros);
        if (failed) {
            failedSeconds.merge(second, 1L, Long::sum);
        }
        completedSeconds.merge(secondOf(completedNanos), 1L, Long::sum);
    }

    private int secondOf(long nanos) {
        return (int) ((nanos - startNanos) / 1_000_000_000L);
    }

    synchronized void mark(long atNanos, String label) {
        marks.add(new Mark((atNanos - startNanos) / 1e9, label));
    }

    synchronized LatencySummary summary(Window... of) {
        Histogram merged = new Histogram(3);
        for (Window w : of) {
            merged.add(windows.get(w));
        }
        return LatencySummary.of(merged);
    }

    /** Latency of the operations due in each phase, in the order the phases were marked. */
    synchronized Map<String, LatencySummary> byPhase() {
        Map<String, LatencySummary> out = new LinkedHashMap<>();
        for (Mark m : marks) {
            Histogram h = phases.get(m.label());
            if (h != null) {
                out.putIfAbsent(m.label(), LatencySummary.of(h));
            }
        }
        return out;
    }

    /** Seconds 0 to {@code seconds - 1}: the whole seconds the workload ran. */
    synchronized List<Second> series(int seconds) {
        List<Second> out = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            Histogram h = perSecond.getOrDefault(s, EMPTY);
            out.add(new Second(s, h.getTotalCount(), failedSeconds.getOrDefault(s, 0L),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                    completedSeconds.getOrDefault(s, 0L)));
        }
        return out;
    }

    /** The fewest operations completed in any second of the run that overlaps {@code from} to {@code to}. */
    synchronized long fewestCompleted(long fromNanos, long toNanos) {
        long fewest = Long.MAX_VALUE;
        for (int s = secondOf(fromNanos); s <= secondOf(toNanos); s++) {
            fewest = Math.min(fewest, completedSeconds.getOrDefault(s, 0L));
        }
        return fewest;
    }

    synchronized List<Mark> marks() {
        return List.copyOf(marks);
    }
}
