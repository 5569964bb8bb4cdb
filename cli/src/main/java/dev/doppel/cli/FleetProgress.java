package dev.doppel.cli;

import dev.doppel.engine.Phase;
import dev.doppel.engine.fleet.FleetListener;
import dev.doppel.engine.fleet.Target;
import dev.doppel.engine.fleet.TargetOutcome;
import dev.doppel.engine.fleet.TargetPlan;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet's progress on stderr, one line per event, each naming its target: waves, phases, copy progress (at
 * most every few seconds per target), ready, released and the end. Lines come from many targets' threads at once.
 */
final class FleetProgress implements FleetListener {

    private static final long COPY_EVERY_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final long started = System.nanoTime();
    private final Map<Target, Long> lastCopyLine = new ConcurrentHashMap<>();

    FleetProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void checked(List<TargetPlan> plans) {
        long bad = plans.stream().filter(p -> !p.proceeds()).count();
        line(null, "checked " + plans.size() + " targets" + (bad == 0 ? "" : "; " + bad + " cannot take the change"));
    }

    @Override
    public void wave(int number, int waves, List<Target> targets) {
        line(null, "wave " + number + "/" + waves + ": " + targets.size() + " target(s)" + (number == 1
                && targets.size() < 3 ? " " + targets : ""));
    }

    @Override
    public void pausing(Duration pause) {
        line(null, "pausing " + pause.toSeconds() + "s before the next wave");
    }

    @Override
    public void started(Target target) {
        line(target, "started");
    }

    @Override
    public void phase(Target target, Phase phase, String detail) {
        String name = phase.name().toLowerCase(Locale.ROOT);
        if (phase != Phase.FAILED) {
            line(target, detail.equals(name) ? name : name + ": " + detail);
        }
    }

    @Override
    public void copied(Target target, long rows, long estimatedTotal, double rowsPerSecond) {
        long now = System.nanoTime();
        Long last = lastCopyLine.get(target);
        if (last == null || now - last >= COPY_EVERY_NANOS) {
            lastCopyLine.put(target, now);
            line(target, "copy " + Progress.line(rows, estimatedTotal, rowsPerSecond));
        }
    }

    @Override
    public void ready(Target target) {
        line(target, "ready: copied and verified, waiting for the fleet's cut-over");
    }

    @Override
    public void released(Target target, long migrationId) {
        line(target, "cut-over released (migration " + migrationId + ")");
    }

    @Override
    public void finished(TargetOutcome outcome) {
        line(outcome.target(), outcome.status().code() + (outcome.reason() == null ? "" : " (" + outcome.reason()
                + ")"));
    }

    private synchronized void line(Target target, String text) {
        err.println(String.format(Locale.ROOT, "%7.1fs  %s%s", (System.nanoTime() - started) / 1e9,
                target == null ? "" : "[" + target + "] ", text).stripTrailing());
        err.flush();
    }
}
