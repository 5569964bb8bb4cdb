package dev.doppel.benchmarks;

import org.HdrHistogram.Histogram;

/** Latency percentiles of a set of operations, in milliseconds; all zero when there were none. */
record LatencySummary(long count, double p50, double p99, double p999, double max) {

    static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0);
        }
        return new LatencySummary(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
