package dev.doppel.engine;

import java.util.Set;

/**
 * Something doppel refuses or cannot do. The message names the object and the fix; {@link #reason()} is a stable
 * machine-readable code for scripts (e.g. "no_usable_key", "unsupported_alter").
 */
public class DoppelException extends RuntimeException {

    /** Reasons for refusing before changing anything: the database is exactly as it was. */
    private static final Set<String> REFUSALS = Set.of("table_not_found", "no_usable_key",
            "unsupported_alter", "unparsable_alter", "invalid_alter", "unsupported_dependents", "leftover",
            "already_running", "key_lost", "table_mismatch", "unsupported_key_change", "reserved_column",
            "view_breaks", "migration_not_found", "not_resumable", "already_swapped", "rewrite_needed",
            "not_revertable", "revert_lossy", "invalid_revert_using", "disk_space", "invalid_job", "not_a_job");

    private final String reason;

    public DoppelException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DoppelException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    /**
     * A safe point: when the migration's thread was interrupted (the CLI's first Ctrl-C), the migration stops here,
     * between transactions, resumable like any stop. The interrupt is consumed so that recording the stop can run.
     */
    public static void stopIfInterrupted(String doing) {
        if (Thread.interrupted()) {
            throw new DoppelException("interrupted", "stopped by request while " + doing);
        }
    }

    /** True when doppel refused and changed nothing; false when a started migration failed or stopped. */
    public boolean isRefusal() {
        return REFUSALS.contains(reason);
    }
}
