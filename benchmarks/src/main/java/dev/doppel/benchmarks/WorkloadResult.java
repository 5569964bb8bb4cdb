package dev.doppel.benchmarks;

import java.util.List;
import java.util.Map;

/**
 * What the workload saw in one scenario. {@code during} covers operations due while the change ran (cut-over
 * included); {@code cutover} only those due in doppel's cut-over phase.
 *
 * @param fewestPerSecond the fewest writes completed in any second the change overlapped: the throughput the
 *                        application kept at worst (a whole-change average would count the backlog that drains
 *                        the moment a blocking ALTER commits)
 * @param errors       failed operations by SQLSTATE and message (numbers masked so they group)
 * @param byPhase      latency of the operations due in each phase the scenario marked ("change" and "end" for
 *                     all; doppel's own phases), in order
 */
record WorkloadResult(long ok, long failed, Map<String, Long> errors, long fewestPerSecond, LatencySummary before,
                      LatencySummary during, LatencySummary cutover, LatencySummary after,
                      Map<String, LatencySummary> byPhase, List<LatencyLog.Second> series, List<LatencyLog.Mark> marks) {
}
