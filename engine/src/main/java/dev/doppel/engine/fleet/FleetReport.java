package dev.doppel.engine.fleet;

import java.util.List;

/**
 * What a fleet run did: the checks' verdicts, and one outcome per target in the list's order. When the checks
 * refused the fleet ({@link #refused()}), nothing was started and there are no outcomes.
 */
public record FleetReport(List<TargetPlan> plans, List<TargetOutcome> outcomes, boolean refused) {

    public long count(TargetOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }

    /** Whether every target has the change now. */
    public boolean complete() {
        return !refused && outcomes.stream().allMatch(o -> o.status().ok());
    }

    public List<TargetOutcome> failures() {
        return outcomes.stream().filter(o -> !o.status().ok()).toList();
    }

    /** The targets the checks refused, with why. */
    public List<TargetPlan> problems() {
        return plans.stream().filter(p -> !p.proceeds()).toList();
    }
}
