package dev.doppel.benchmarks;

import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Result;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * doppel making the change online with the given options. Its phases are marked on the timeline, and operations
 * due in the cut-over phase are also counted apart. The old table is dropped at once, as the other scenarios
 * leave nothing behind either.
 */
record DoppelScenario(String id, String title, Options options) implements Scenario {

    @Override
    public boolean online() {
        return true;
    }

    @Override
    public Outcome run(ScenarioContext context) {
        Result r = OnlineSchemaChange.builder().dataSource(context.dataSource()).table(context.table())
                .alter(context.change()).options(options.withKeepOld(Duration.ZERO)).listener(phaseMarks(context))
                .build().run();
        return outcome(r, String.format("copy phase %,.0f rows/s; %,d changes replayed; verified %s",
                r.rowsPerSecond(), r.changesReplayed(), r.verify() == null ? "off"
                        : String.format("%,d rows", r.verify().sourceRows())));
    }

    /** Marks each of doppel's phases on the timeline, the cut-over's writes counted apart. */
    static MigrationListener phaseMarks(ScenarioContext context) {
        return new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                context.timeline().mark(phase.name().toLowerCase(Locale.ROOT),
                        phase == Phase.CUTOVER ? LatencyLog.Window.CUTOVER : LatencyLog.Window.DURING);
            }
        };
    }

    /** A doppel run's outcome: rows, the cut-over lock, every lock held, the phases' times and {@code note}. */
    static Outcome outcome(Result r, String note) {
        Map<String, Long> phases = new LinkedHashMap<>();
        r.phaseMillis().forEach((p, ms) -> phases.put(p.name().toLowerCase(Locale.ROOT), ms));
        double cutover = r.locks().stream().filter(l -> l.what().startsWith("cut-over"))
                .mapToLong(Result.LockHeld::millis).max().orElse(0);
        return new Outcome(r.rowsCopied(), cutover,
                r.locks().stream().map(l -> new Lock(l.what(), l.millis(), l.attempts())).toList(), phases, note);
    }
}
