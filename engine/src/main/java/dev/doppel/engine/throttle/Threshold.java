package dev.doppel.engine.throttle;

/**
 * A limit on one measure. Above {@code max} the copy waits; at or above {@code critical} (when set) the migration
 * takes the critical action instead: a long pause, or a resumable stop.
 *
 * @param max      in the measure's unit: bytes/s, seconds, bytes, sessions, the probe's number; 0 lifts the limit
 * @param critical 0 for none
 */
public record Threshold(double max, double critical) {

    public Threshold {
        if (max < 0 || critical < 0) {
            throw new IllegalArgumentException("a throttle limit is 0 (none) or more, not " + (max < 0 ? max
                    : critical));
        }
        if (critical > 0 && critical < max) {
            throw new IllegalArgumentException("a critical threshold (" + critical + ") below its limit (" + max
                    + ") would never let the limit act; give one at or above it");
        }
    }

    public boolean off() {
        return max == 0 && critical == 0;
    }

    /** "5" or "5:30" (limit:critical), the form flags and the control row use. */
    @Override
    public String toString() {
        return number(max) + (critical > 0 ? ":" + number(critical) : "");
    }

    private static String number(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
