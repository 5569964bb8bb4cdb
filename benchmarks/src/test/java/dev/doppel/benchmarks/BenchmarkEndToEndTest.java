package dev.doppel.benchmarks;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole harness on a tiny fixture against a real server: every scenario reports numbers, doppel loses no write. */
@PostgresTest
class BenchmarkEndToEndTest {

    /** Other tools' scenarios: run when installed, skipped with a reason otherwise. */
    private static final List<String> TOOLS = List.of("pg_repack", "pg-osc");

    @Test
    void everyScenarioProducesNumbersAndDoppelFailsNoWrite(TestDatabase db, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("results.json");
        BenchmarkCommand command = CommandLine.populateCommand(new BenchmarkCommand(), "--rows", "20000",
                "--baseline-seconds", "1", "--margin-seconds", "0.5", "--rate", "200", "--connections", "4",
                "--max-rows-per-second", "50000", "--out", out.toString());

        Report report = command.execute(new Target(db.jdbcUrl(), db.server().user(), db.server().password()));

        List<String> ran = report.runs().stream().map(ScenarioResult::id).toList();
        assertEquals(List.of("baseline", "alter", "copy", "doppel", "doppel-logical", "doppel-throttled"),
                ran.stream().filter(id -> !TOOLS.contains(id)).toList());
        for (String tool : TOOLS) {
            assertTrue(ran.contains(tool) || report.skipped().containsKey(tool),
                    tool + " either ran or was skipped with a reason");
        }
        for (ScenarioResult r : report.runs()) {
            if (TOOLS.contains(r.id()) && r.error() != null) {
                // Another tool that cannot make this change (pg-osc replays without the USING expression) is
                // reported failed with its output, not measured.
                assertTrue(Files.readString(dir.resolve("results.md")).contains("(1 of 1 runs failed)"));
                continue;
            }
            assertNull(r.error(), r.id() + " failed");
            assertEquals(20_000, r.rows());
            assertTrue(r.seconds() > 0 && r.heapPeakBytes() > 0, r.id() + " has no wall time or heap");
            if (!r.id().equals("baseline")) {
                assertTrue(r.rowsPerSecond() > 0 && r.megabytesPerSecond() > 0 && r.walBytes() > 0,
                        r.id() + " has no copy rate or WAL");
            }
            if (r.workload() != null) {
                assertTrue(r.workload().ok() > 0 && r.workload().during().count() > 0
                        && r.workload().during().p99() > 0, r.id() + " has no workload latency");
                assertFalse(r.workload().series().isEmpty(), r.id() + " has no latency series");
            }
        }
        for (ScenarioResult doppel : report.runs().stream().filter(r -> r.id().startsWith("doppel")).toList()) {
            assertEquals(0, doppel.workload().failed(), "doppel failed writes: " + doppel.workload().errors());
            assertTrue(doppel.lockHeldMillis() >= 0
                    && doppel.locks().stream().anyMatch(l -> l.what().startsWith("cut-over")), "the cut-over lock");
            assertTrue(doppel.workload().marks().stream().anyMatch(m -> m.label().equals("cutover")));
            assertEquals(doppel.workload().during().count() + doppel.workload().after().count(),
                    doppel.workload().byPhase().values().stream().mapToLong(LatencySummary::count).sum(),
                    "every write due from the change on counts in one phase");
            assertTrue(doppel.workload().byPhase().containsKey("copy"), "by phase: " + doppel.workload().byPhase());
        }
        assertTrue(Files.readString(dir.resolve("results.md")).contains("| doppel, defaults | copy |"),
                "the latency of each phase is tabled");
        assertTrue(Files.readString(out).contains("\"summaries\""));
        assertTrue(Files.readString(dir.resolve("results.svg")).startsWith("<svg"));
        String rates = Files.readString(dir.resolve("results-rates.svg"));
        assertTrue(rates.startsWith("<svg"), rates);
        // A change this small may end within its first second, leaving no whole second to draw.
        for (ScenarioResult r : report.runs()) {
            if (r.perSecond().stream().anyMatch(s -> s.walBytes() > 0)) {
                assertTrue(rates.contains("<title>" + r.id() + "</title>"), r.id() + " is drawn: " + rates);
            }
        }
        assertTrue(Files.readString(dir.resolve("results.md")).contains("| doppel, defaults |"));
    }
}
