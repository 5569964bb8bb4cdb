package dev.doppel.engine.cutover;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Takes a lock on the source in short attempts. A waiting lock request queues every later query on the table
 * behind it, so each attempt waits at most {@code lock_timeout}, then backs off with jitter and tries again.
 */
public final class LockRetry {

    private static final Logger log = LoggerFactory.getLogger(LockRetry.class);
    static final String LOCK_NOT_AVAILABLE = "55P03";
    static final String QUERY_CANCELED = "57014";

    /** Work done while holding the lock; returns false to give the lock back and try again later. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(Session s) throws SQLException;
    }

    /** Runs between attempts, e.g. to replay changes that queued up meanwhile. */
    @FunctionalInterface
    public interface Between {
        void run() throws SQLException;
    }

    /** For an attempt with nothing to do between tries. */
    public static final Between NOTHING_BETWEEN = () -> { };

    /** Receives how long a lock was held, for the migration's report. */
    @FunctionalInterface
    public interface Report {
        void held(String what, long millis, int attempts);
    }

    private final Session session;
    private final Duration lockTimeout;
    private final int attempts;
    private final Duration statementTimeout;
    private int lastAttempts;
    private long lastHeldMillis;

    /**
     * @param statementTimeout bound on each statement of an attempt; one that runs longer is cancelled and the
     *                         attempt retried, so a lock is never held by a runaway statement
     */
    public LockRetry(Session session, Duration lockTimeout, int attempts, Duration statementTimeout) {
        this.session = session;
        this.lockTimeout = lockTimeout;
        this.attempts = attempts;
        this.statementTimeout = statementTimeout;
    }

    /**
     * Runs {@code attempt} in a transaction whose statements wait at most the lock timeout for locks. A lock
     * timeout rolls back and retries; the attempt returning null also retries (it chose to give the lock back).
     */
    public <T> T run(String what, Attempt<T> attempt, Between between) throws SQLException {
        return run(what, attempt, between, false);
    }

    /**
     * As {@link #run}, in a transaction that is always rolled back: a dry run that takes locks (plan's checks on an
     * empty copy that carries the table's foreign keys) waits for them no longer than any other attempt.
     */
    public <T> T runRolledBack(String what, Attempt<T> attempt) throws SQLException {
        return run(what, attempt, NOTHING_BETWEEN, true);
    }

    private <T> T run(String what, Attempt<T> attempt, Between between, boolean rolledBack) throws SQLException {
        for (int i = 1; i <= attempts; i++) {
            DoppelException.stopIfInterrupted(what);
            long started = System.nanoTime();
            try {
                Session.Work<T> body = s -> {
                    s.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
                    s.execute("SET LOCAL statement_timeout = '" + statementTimeout.toMillis() + "ms'");
                    T r = attempt.run(s);
                    if (r == null) {
                        throw new GiveBack();
                    }
                    return r;
                };
                T result = rolledBack ? session.rolledBack(body) : session.transaction(body);
                if (i > 1) {
                    log.info("{}: lock taken on attempt {}", what, i);
                }
                lastAttempts = i;
                lastHeldMillis = (System.nanoTime() - started) / 1_000_000;
                return result;
            } catch (SQLException e) {
                if (QUERY_CANCELED.equals(e.getSQLState())) {
                    log.info("{}: attempt {}/{} ran past {} ms and was rolled back", what, i, attempts,
                            statementTimeout.toMillis());
                } else if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    log.info("{}: attempt {}/{} timed out after {} ms waiting for a lock", what, i, attempts,
                            lockTimeout.toMillis());
                } else {
                    throw e;
                }
            } catch (GiveBack e) {
                log.info("{}: attempt {}/{} gave the lock back", what, i, attempts);
            }
            between.run();
            DoppelException.pause(backoff(i), "waiting to retry a lock");
        }
        throw new DoppelException(Reason.LOCK_TIMEOUT, what + ": could not take the lock in " + attempts + " attempts of "
                + lockTimeout.toMillis() + " ms; a long transaction or a busy table holds it. Look at pg_locks and"
                + " pg_stat_activity for the holder, then retry (raise --lock-attempts or --lock-timeout to wait longer)");
    }

    /** Attempts the last successful {@link #run} needed. */
    public int lastAttempts() {
        return lastAttempts;
    }

    /** Duration of the last successful attempt's transaction: an upper bound of how long it held the lock. */
    public long lastHeldMillis() {
        return lastHeldMillis;
    }

    private static Duration backoff(int attempt) {
        long base = Math.min(2_000, 50L * (1L << Math.min(attempt, 6)));
        return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }


    /** Signals that an attempt chose to roll back and release its lock. */
    private static final class GiveBack extends RuntimeException {
        GiveBack() {
            super(null, null, false, false);
        }
    }
}
