package dev.doppel.engine.fleet;

import dev.doppel.engine.Phase;

import java.time.Duration;
import java.util.List;

/**
 * Receives what a fleet run is doing, for progress lines and logs. Target callbacks come from the targets' own
 * threads, several at once: an implementation must be thread-safe.
 */
public interface FleetListener {

    FleetListener NONE = new FleetListener() {
    };

    /** The checks are done; the run starts unless the fleet was refused. */
    default void checked(List<TargetPlan> plans) {
    }

    /** A wave starts (numbered from 1; the canary is wave 1 when there is one). */
    default void wave(int number, int waves, List<Target> targets) {
    }

    /** The run waits this long before the next wave. */
    default void pausing(Duration pause) {
    }

    default void started(Target target) {
    }

    default void phase(Target target, Phase phase, String detail) {
    }

    default void copied(Target target, long rows, long estimatedTotal, double rowsPerSecond) {
    }

    /** The target copied and verified and waits at ready for the fleet's cut-over. */
    default void ready(Target target) {
    }

    /** The fleet released the target's postponed cut-over. */
    default void released(Target target, long migrationId) {
    }

    default void finished(TargetOutcome outcome) {
    }
}
