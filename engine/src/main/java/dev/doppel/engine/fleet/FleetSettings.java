package dev.doppel.engine.fleet;

import java.time.Duration;
import java.util.Objects;

/**
 * How a fleet run proceeds.
 *
 * @param canary      targets in the first wave, alone (0: no canary wave)
 * @param waveSize    targets in each later wave (0: all the rest in one wave)
 * @param maxInFlight targets copying at once, fleet-wide; one waiting at ready no longer counts
 * @param wavePause   the wait between two waves, for someone to look at the canary's results
 * @param keepGoing   go on past a failed target (and past targets the checks refuse), listing them at the end
 * @param cutover     when each target swaps
 */
public record FleetSettings(int canary, int waveSize, int maxInFlight, Duration wavePause, boolean keepGoing,
                            Cutover cutover) {

    /** When the targets cut over. */
    public enum Cutover {
        /** Each target as soon as it is ready, like a single run. */
        EACH,
        /** The targets of a wave wait at ready until the whole wave is, then are released together. */
        WAVE,
        /** Every target waits at ready until the whole fleet is, then all are released together. */
        FLEET,
        /** Every target waits at ready until `doppel fleet cutover` (or `doppel cutover ID`) releases it. */
        MANUAL;

        public boolean postponed() {
            return this != EACH;
        }
    }

    public FleetSettings {
        Objects.requireNonNull(wavePause, "wavePause");
        Objects.requireNonNull(cutover, "cutover");
        if (canary < 0 || waveSize < 0 || maxInFlight < 1) {
            throw new IllegalArgumentException("canary and wave size are 0 or more, targets in flight 1 or more");
        }
    }

    public static FleetSettings defaults() {
        return new FleetSettings(1, 10, 4, Duration.ZERO, false, Cutover.EACH);
    }
}
