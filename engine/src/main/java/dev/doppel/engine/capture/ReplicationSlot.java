package dev.doppel.engine.capture;

/**
 * A doppel replication slot as the server reports it. A slot nobody reads keeps WAL without bound, so operators
 * see each one with what it retains.
 *
 * @param database      the database the slot decodes, by OID
 * @param retainedBytes WAL kept for the slot: from its restart position to the server's current position
 */
public record ReplicationSlot(String name, String database, boolean active, long retainedBytes) {

    /** "doppel_16410_16384 (idle, keeps 1.2 GB of WAL)". */
    public String describe() {
        return name + " (" + (active ? "in use" : "idle") + ", keeps " + size(retainedBytes) + " of WAL)";
    }

    static String size(long bytes) {
        String[] units = {"bytes", "kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
