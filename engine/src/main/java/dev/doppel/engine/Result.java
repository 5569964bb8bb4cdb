package dev.doppel.engine;

import dev.doppel.engine.verify.VerifyResult;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a finished migration did.
 *
 * @param strategy   in place (the ALTER itself, under a short lock) or a rewrite through a shadow table
 * @param locks      every lock doppel took on the source, and how long it held each
 * @param verify     the verification figures, or null when verification was turned off
 * @param oldTable   where the old table was kept, or null when it was dropped
 * @param dropAfter  when the old table may be dropped; nothing depends on it from then on
 */
public record Result(long migrationId, String table, Outcome outcome, Plan.Strategy strategy, long rowsCopied,
                     long changesReplayed,
                     Map<Phase, Long> phaseMillis, List<LockHeld> locks, VerifyResult verify, String oldTable,
                     Instant dropAfter, List<String> warnings) {

    /** One lock taken on the source. */
    public record LockHeld(String what, long millis, int attempts) {
    }

    public long totalMillis() {
        return phaseMillis.values().stream().mapToLong(Long::longValue).sum();
    }

    public double rowsPerSecond() {
        Long copy = phaseMillis.get(Phase.COPY);
        return copy == null || copy == 0 ? 0 : rowsCopied * 1000.0 / copy;
    }
}
