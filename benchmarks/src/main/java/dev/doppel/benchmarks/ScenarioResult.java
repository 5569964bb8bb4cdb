package dev.doppel.benchmarks;

import java.util.List;
import java.util.Map;

/**
 * One run of one scenario. Sizes and rates are over the change only (the workload's lead-in and tail excluded);
 * WAL counts everything the server wrote meanwhile, the workload's writes included.
 *
 * @param tableBytes      the changed table's heap and TOAST before the change, what MB/s is computed from
 * @param extraDiskBytes  database growth at its sampled peak during the change
 * @param heapPeakBytes   this JVM's sampled peak heap during the change: workload and harness included
 * @param workload        null for an offline scenario
 * @param perSecond       WAL written, rows copied and standby lag in each second of the change
 * @param error           why the scenario failed, or null; its numbers are then partial
 */
record ScenarioResult(String id, String title, int repetition, long rows, long tableBytes, double seconds,
                      long rowsCopied, long walBytes, long extraDiskBytes, long heapPeakBytes, double lockHeldMillis,
                      List<Scenario.Lock> locks, Map<String, Long> phaseMillis, WorkloadResult workload,
                      List<RateSeries.Second> perSecond, String note, String error) {

    boolean copies() {
        return rowsCopied > 0;
    }

    double rowsPerSecond() {
        return copies() ? rowsCopied / seconds : Double.NaN;
    }

    double megabytesPerSecond() {
        return copies() ? tableBytes / 1048576.0 / seconds : Double.NaN;
    }
}
