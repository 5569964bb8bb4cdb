package dev.doppel.benchmarks;

/**
 * One scenario's numbers. Lock-held is the longest time the scenario blocked the table's writers (for a blocking
 * ALTER, its whole duration).
 */
record ScenarioResult(String scenario, long rows, double seconds, double rowsPerSecond, double megabytesPerSecond,
                      long walBytes, double lockHeldMillis, Workload.Summary workload, String note) {

    String markdownRow() {
        String w = workload == null ? "| - | - | - | - | - " : String.format("| %,d | %,d | %.1f | %.1f | %.0f ",
                workload.ok(), workload.failed(), workload.p50Millis(), workload.p99Millis(), workload.maxMillis());
        return String.format("| %s | %.2f | %,.0f | %.1f | %,.1f | %.1f %s| %s |", scenario, seconds, rowsPerSecond,
                megabytesPerSecond, walBytes / 1048576.0, lockHeldMillis, w, note == null ? "" : note);
    }

    static String markdownHeader() {
        return "| scenario | wall s | rows/s | MB/s | WAL MB | lock held ms | writes ok | writes failed | p50 ms"
                + " | p99 ms | max ms | note |\n|---|---|---|---|---|---|---|---|---|---|---|---|";
    }
}
