package dev.doppel.engine;

/**
 * Something doppel refuses or cannot do. The message names the object and the fix; {@link #reason()} is a stable
 * machine-readable code for scripts (e.g. "no_usable_key", "unsupported_alter").
 */
public class DoppelException extends RuntimeException {

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
}
