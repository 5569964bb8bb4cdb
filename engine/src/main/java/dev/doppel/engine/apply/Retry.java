package dev.doppel.engine.apply;

import dev.doppel.engine.DoppelException;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a step again when it failed for a reason that passes: a lock not obtained within lock_timeout, a deadlock, a
 * serialization failure. Waits with jittered backoff between attempts, so a queue of writers behind the lock drains.
 */
final class Retry {

    /** lock_not_available, deadlock_detected, serialization_failure. */
    private static final Set<String> TRANSIENT = Set.of("55P03", "40P01", "40001");

    interface Attempt {
        void run() throws SQLException;
    }

    interface OnRetry {
        void retrying(int attempt, SQLException why);
    }

    private final int attempts;
    private final Duration base;

    Retry(int attempts, Duration base) {
        this.attempts = attempts;
        this.base = base;
    }

    static boolean isTransient(SQLException e) {
        return TRANSIENT.contains(e.getSQLState());
    }

    /** @throws SQLException the last failure, when it is not transient or the attempts ran out */
    void run(Attempt attempt, OnRetry onRetry) throws SQLException {
        for (int n = 1; ; n++) {
            try {
                attempt.run();
                return;
            } catch (SQLException e) {
                if (!isTransient(e) || n >= attempts) {
                    throw e;
                }
                onRetry.retrying(n, e);
                sleep(n);
            }
        }
    }

    private void sleep(int attempt) {
        long cap = Math.min(base.toMillis() << Math.min(attempt, 5), 2_000);
        DoppelException.pause(Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1)),
                "waiting to try a statement again");
    }
}
