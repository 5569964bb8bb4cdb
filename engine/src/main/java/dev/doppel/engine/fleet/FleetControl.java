package dev.doppel.engine.fleet;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationRecord;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The operator's fleet-wide instructions, given through each target's own migration row, from any host: release
 * the postponed cut-overs, or abort the unfinished migrations of the change.
 */
public final class FleetControl {

    /**
     * What an instruction did on one target.
     *
     * @param outcome released, not_ready, aborted, nothing, refused or unreachable
     */
    public record Action(Target target, String outcome, long migrationId, String detail) {
    }

    private final FleetChange change;
    private final int parallelism;

    public FleetControl(FleetChange change, int parallelism) {
        this.change = change;
        this.parallelism = Math.max(1, parallelism);
    }

    /**
     * Releases the cut-over of every target waiting at ready; each swaps under its own bounded lock, so a target
     * that cannot take its lock holds no other's. Targets not yet ready are listed and left alone.
     */
    public List<Action> cutover(List<Target> targets) {
        return each(targets, (t, s, r) -> {
            MigrationRecord m = r.migration();
            if (!r.unfinished()) {
                return new Action(t, "nothing", m == null ? 0 : m.id(), m == null ? "no migration of this change"
                        : "migration " + m.id() + " " + m.outcome());
            }
            if (m.phase() != Phase.CUTOVER || !m.control().cutoverPostponed()) {
                return new Action(t, "not_ready", m.id(), "migration " + m.id() + " is in phase "
                        + m.phase().name().toLowerCase(java.util.Locale.ROOT) + (m.control().cutoverPostponed()
                        ? ", not yet ready" : " and was not postponed"));
            }
            Migrations.on(t.dataSource()).cutover(m.id());
            return new Action(t, "released", m.id(), "migration " + m.id() + " cuts over now");
        });
    }

    /** Aborts the unfinished migration of the change on every target, leaving each table as it was. */
    public List<Action> abort(List<Target> targets, Options options) {
        return each(targets, (t, s, r) -> {
            MigrationRecord m = r.migration();
            if (!r.unfinished()) {
                return new Action(t, "nothing", m == null ? 0 : m.id(), m == null ? "no migration of this change"
                        : "migration " + m.id() + " " + m.outcome());
            }
            Migrations.on(t.dataSource()).options(options).abort(m.id());
            return new Action(t, "aborted", m.id(), "migration " + m.id() + " aborted; the table is as it was");
        });
    }

    private interface Step {
        Action on(Target t, Session s, TargetReading reading) throws SQLException;
    }

    private List<Action> each(List<Target> targets, Step step) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, targets.size()));
        try {
            List<Future<Action>> futures = new ArrayList<>();
            for (Target t : targets) {
                futures.add(pool.submit(FleetCheck.withTarget(t, () -> {
                    try (Session s = Session.open(t.dataSource(), "fleet")) {
                        TargetReading reading = TargetReading.read(s, change);
                        if (reading.table() == null) {
                            return new Action(t, "nothing", 0, "table " + change.table() + " does not exist");
                        }
                        return step.on(t, s, reading);
                    } catch (SQLException e) {
                        return new Action(t, "unreachable", 0, e.getMessage());
                    } catch (DoppelException e) {
                        return new Action(t, "refused", 0, e.reason().code() + ": " + e.getMessage());
                    }
                })));
            }
            List<Action> out = new ArrayList<>();
            for (Future<Action> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DoppelException(Reason.INTERRUPTED, "stopped by request while instructing the fleet");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
