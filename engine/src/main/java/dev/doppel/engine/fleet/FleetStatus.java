package dev.doppel.engine.fleet;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationRecord;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Where the fleet's change stands on every target, read from the targets themselves (their catalog and
 * {@code doppel.migrations}): the same answer whether one fleet process runs the change, one job per target does, or
 * nothing runs now.
 */
public record FleetStatus(List<TargetStatus> targets) {

    /** Reads every target, {@code parallelism} at a time. */
    public static FleetStatus read(List<Target> targets, FleetChange change, int parallelism) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, targets.size())));
        try {
            List<Future<TargetStatus>> futures = new ArrayList<>();
            for (Target t : targets) {
                futures.add(pool.submit(FleetCheck.withTarget(t, () -> readOne(t, change))));
            }
            List<TargetStatus> out = new ArrayList<>();
            for (Future<TargetStatus> f : futures) {
                out.add(f.get());
            }
            return new FleetStatus(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DoppelException(Reason.INTERRUPTED, "stopped by request while reading the fleet's status");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static TargetStatus readOne(Target t, FleetChange change) {
        TargetReading reading;
        try (Session s = Session.open(t.dataSource(), "fleet")) {
            reading = TargetReading.read(s, change);
        } catch (SQLException e) {
            return new TargetStatus(t, "unreachable", null, 0, 0, 0, 0, null, e.getMessage());
        }
        if (reading.table() == null) {
            return new TargetStatus(t, "missing_table", null, 0, 0, 0, 0, null, "table " + change.table()
                    + " does not exist");
        }
        MigrationRecord r = reading.migration();
        long estimate = reading.table().estimatedRows();
        if (r == null) {
            return new TargetStatus(t, "not_started", null, 0, 0, estimate, 0, null, null);
        }
        String state;
        if (r.finished()) {
            state = r.outcome().word();
        } else if (!Migrations.on(t.dataSource()).status(r.id()).running()) {
            state = "stopped";
        } else {
            state = r.phase() == Phase.CUTOVER && r.control().cutoverPostponed() ? "ready" : "running";
        }
        long rows = Math.max(estimate, r.estimatedRows());
        Long eta = r.phase() == Phase.COPY && r.copyRate() > 0 && "running".equals(state)
                ? Math.max(0, rows - r.rowsCopied()) / r.copyRate() : null;
        String note = r.outcome() == null && r.throttleReason() != null ? "held: " + r.throttleReason() : r.error();
        return new TargetStatus(t, state, r.phase(), r.id(), r.rowsCopied(), rows, r.copyRate(), eta, note);
    }

    /** Targets per state, in the order states first appear. */
    public Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        targets.forEach(t -> m.merge(t.state(), 1L, Long::sum));
        return m;
    }

    /** The fleet's copy progress, 0 to 1, each target weighted by its rows. */
    public double progress() {
        long total = targets.stream().mapToLong(t -> Math.max(1, t.estimatedRows())).sum();
        double done = targets.stream().mapToDouble(t -> t.copyFraction() * Math.max(1, t.estimatedRows())).sum();
        return total == 0 ? 0 : done / total;
    }

    /** Until every target's copy is done at the rates copying now; null when nothing copies. */
    public Long etaSeconds() {
        long rate = targets.stream().filter(t -> "running".equals(t.state()) && t.phase() == Phase.COPY)
                .mapToLong(TargetStatus::rowsPerSecond).sum();
        if (rate <= 0) {
            return null;
        }
        double remaining = targets.stream().filter(t -> !"failed".equals(t.state()) && !"aborted".equals(t.state()))
                .mapToDouble(t -> (1 - t.copyFraction()) * t.estimatedRows()).sum();
        return (long) Math.ceil(remaining / rate);
    }

    /** Whether every target has the change. */
    public boolean complete() {
        return targets.stream().allMatch(t -> "succeeded".equals(t.state()));
    }
}
