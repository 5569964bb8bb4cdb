package dev.doppel.engine.throttle;

import java.util.Locale;

/** What a throttle limit measures, with the name operators use for it and how a reading is written. */
public enum Measure {
    /** WAL the whole server writes, bytes per second, averaged over the last {@link WalRate#WINDOW}. */
    WAL_RATE("wal-rate"),
    /** How far the slowest standby's replay is behind the primary, in seconds. */
    REPLICA_LAG("replica-lag"),
    /** WAL bytes the furthest-behind logical replication slot (other than doppel's) has yet to confirm. */
    SLOT_LAG("slot-lag"),
    /** Other sessions running a statement that holds or waits for a lock on the source table. */
    ACTIVE_SESSIONS("active-sessions"),
    /** Sessions waiting for a lock (a row's or the table's) while working on the source table. */
    LOCK_WAITERS("lock-waiters"),
    /** The number the operator's probe query returns. */
    PROBE("probe");

    private final String label;

    Measure(String label) {
        this.label = label;
    }

    /** The name in limits, flags, reasons and metric tags: "wal-rate", "replica-lag", ... */
    public String label() {
        return label;
    }

    public static Measure of(String label) {
        for (Measure m : values()) {
            if (m.label.equals(label)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown throttle limit '" + label + "'; the limits are wal-rate,"
                + " replica-lag, slot-lag, active-sessions, lock-waiters and probe");
    }

    /** A reading as people read it: "3.2 MB/s", "12.3 s", "48.0 MB", "7". */
    public String format(double value) {
        return switch (this) {
            case WAL_RATE -> megabytes(value) + "/s";
            case REPLICA_LAG -> String.format(Locale.ROOT, value < 10 ? "%.2f s" : "%.1f s", value);
            case SLOT_LAG -> megabytes(value);
            case ACTIVE_SESSIONS, LOCK_WAITERS -> String.valueOf(Math.round(value));
            case PROBE -> value == Math.rint(value) ? String.valueOf((long) value)
                    : String.format(Locale.ROOT, "%.3f", value);
        };
    }

    private static String megabytes(double bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    /** How a reading is described in a reason: "WAL rate", "replica lag", ... */
    public String describe() {
        return this == WAL_RATE ? "WAL rate" : label.replace('-', ' ');
    }
}
