package dev.doppel.engine.state;

import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.throttle.Measure;
import dev.doppel.engine.throttle.ThrottleSettings;
import dev.doppel.engine.throttle.Threshold;

import java.sql.SQLException;
import java.util.Map;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * An operator's live settings for a running migration, kept in its {@code doppel.migrations} row so that any
 * session, from any host and through any pooler, can change them: pause, a copy-rate cap, throttle limits that
 * replace the ones the migration started with, and a postponed cut-over waiting to be released. The running
 * migration reads them at most twice a second and stamps
 * {@code control_seen_at}, which `status` shows as the acknowledgement.
 */
public final class OperatorRequests {

    private static final String MIGRATIONS = quote(ObjectNames.SCHEMA) + ".migrations";
    private static final long READ_EVERY_NANOS = 500_000_000L;
    private static final String REQUEST = "control_requests = control_requests + 1";

    /**
     * What the operator asked for; a null rate means the rate the migration was started with, and a measure missing
     * from {@code limits} keeps the limit it was started with (a limit of 0 lifts it). {@code requests} counts the
     * operator's commands, so that one that changes no setting (an unpause of a copy that is not paused) is still
     * seen: it ends a critical pause.
     */
    public record Settings(boolean paused, Long maxRowsPerSecond, boolean cutoverPostponed, boolean cutoverReleased,
                           Map<Measure, Threshold> limits, long requests) {
    }

    private final Session session;
    private final long id;
    private Settings current;
    private long readAt;

    public OperatorRequests(Session session, long id) {
        this.session = session;
        this.id = id;
    }

    public Settings current() throws SQLException {
        if (current == null || System.nanoTime() - readAt > READ_EVERY_NANOS) {
            current = session.one("UPDATE " + MIGRATIONS + " SET control_seen_at = now() WHERE id = ? RETURNING"
                    + " control_paused, control_max_rows_per_second, control_cutover = 'postponed',"
                    + " control_cutover = 'released', control_limits, control_requests",
                    rs -> new Settings(rs.getBoolean(1), (Long) rs.getObject(2), rs.getBoolean(3), rs.getBoolean(4),
                            ThrottleSettings.parseLimits(rs.getString(5)), rs.getLong(6)), id);
            readAt = System.nanoTime();
        }
        return current;
    }

    /** Sets the operator's settings from another session. */
    public static void pause(Session s, long id, boolean paused) throws SQLException {
        s.update("UPDATE " + MIGRATIONS + " SET control_paused = ?, " + REQUEST + " WHERE id = ?", paused, id);
    }

    public static void throttle(Session s, long id, Long maxRowsPerSecond) throws SQLException {
        s.update("UPDATE " + MIGRATIONS + " SET control_max_rows_per_second = ?, " + REQUEST + " WHERE id = ?",
                maxRowsPerSecond, id);
    }

    /** Replaces one throttle limit from the next chunk on; null returns to the limit the migration started with. */
    public static void limit(Session s, long id, Measure measure, Threshold threshold) throws SQLException {
        s.transaction(t -> {
            Map<Measure, Threshold> limits = ThrottleSettings.parseLimits(t.text("SELECT control_limits FROM "
                    + MIGRATIONS + " WHERE id = ? FOR UPDATE", id));
            if (threshold == null) {
                limits.remove(measure);
            } else {
                limits.put(measure, threshold);
            }
            t.update("UPDATE " + MIGRATIONS + " SET control_limits = ?, " + REQUEST + " WHERE id = ?",
                    limits.isEmpty() ? null : ThrottleSettings.formatLimits(limits), id);
            return null;
        });
    }

    /** {@code postponed} holds the cut-over at "ready" until released; false releases it. */
    public static void postponeCutover(Session s, long id, boolean postponed) throws SQLException {
        s.update("UPDATE " + MIGRATIONS + " SET control_cutover = ?, " + REQUEST + " WHERE id = ?",
                postponed ? "postponed" : "released", id);
    }
}
