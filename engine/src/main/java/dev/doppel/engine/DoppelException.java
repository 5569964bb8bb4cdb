package dev.doppel.engine;

import java.time.Duration;

/**
 * Something doppel refuses or cannot do. The message names the object and the fix; {@link #reason()} says, once
 * for the engine, the reports and the CLI, what kind of end it is.
 */
public class DoppelException extends RuntimeException {

    private final Reason reason;

    public DoppelException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DoppelException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** True when doppel refused and changed nothing; false when a started migration failed or stopped. */
    public boolean isRefusal() {
        return reason.kind() == Reason.Kind.REFUSED || reason.kind() == Reason.Kind.RUNNING;
    }

    /**
     * A safe point: when the migration's thread was interrupted (the CLI's first Ctrl-C), the migration stops here,
     * between transactions, resumable like any stop. The interrupt is consumed so that recording the stop can run.
     */
    public static void stopIfInterrupted(String doing) {
        if (Thread.interrupted()) {
            throw new DoppelException(Reason.INTERRUPTED, "stopped by request while " + doing);
        }
    }

    /** Sleeps between two steps; an interrupt there is a stop by request, like {@link #stopIfInterrupted}. */
    public static void pause(Duration d, String doing) {
        long nanos = d.toNanos();
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DoppelException(Reason.INTERRUPTED, "stopped by request while " + doing, e);
        }
    }
}
