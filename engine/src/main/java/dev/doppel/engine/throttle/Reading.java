package dev.doppel.engine.throttle;

/**
 * One measurement of a signal: its value and where the worst of it was seen ("on standby1", "for slot sub_a"), or why
 * it could not be read. An unreadable signal throttles: doppel does not copy blind.
 */
public record Reading(double value, String where, String error) {

    public static Reading of(double value, String where) {
        return new Reading(value, where, null);
    }

    public static Reading unreadable(String error) {
        return new Reading(Double.NaN, null, error);
    }

    public boolean readable() {
        return error == null;
    }
}
