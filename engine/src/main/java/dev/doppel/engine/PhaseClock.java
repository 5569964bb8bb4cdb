package dev.doppel.engine;

import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.state.MigrationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The phases of one run as the user sees them: each is recorded before it is announced (so a process killed in a
 * phase leaves that phase recorded), announced to the listener and the log, and timed; with them, every lock taken
 * on the source and how long it was held, for the result.
 */
final class PhaseClock implements LockRetry.Report {

    private static final Logger log = LoggerFactory.getLogger(PhaseClock.class);

    private final MigrationListener listener;
    private final Map<Phase, Long> millis = new EnumMap<>(Phase.class);
    private final List<Result.LockHeld> locks = new ArrayList<>();
    private Phase phase;
    private long started;

    PhaseClock(MigrationListener listener) {
        this.listener = listener;
    }

    /** Enters a phase not recorded with a migration (before it has one). */
    void enter(Phase next, String detail) {
        stop();
        phase = next;
        started = System.nanoTime();
        log.info("{}: {}", next, detail);
        listener.phase(next, detail);
    }

    /** Records the phase with migration {@code id}, then enters it; a safe point for a stop by request. */
    void enter(MigrationStore store, long id, Phase next, String detail) throws SQLException {
        DoppelException.stopIfInterrupted("starting phase " + next.name().toLowerCase());
        store.phase(id, next, detail);
        enter(next, detail);
    }

    /** The phase running now; null once stopped. */
    Phase current() {
        return phase;
    }

    @Override
    public void held(String what, long heldMillis, int attempts) {
        locks.add(new Result.LockHeld(what, heldMillis, attempts));
    }

    /** Ends the run successfully: the last phase's time is counted and the listener hears DONE. */
    void done() {
        finish(Phase.DONE, "done");
    }

    /** Ends the run: the last phase's time is counted and the listener hears {@code last}. */
    void finish(Phase last, String detail) {
        stop();
        listener.phase(last, detail);
    }

    /** Ends the run on a failure the listener hears of. */
    void failed(String message) {
        listener.phase(Phase.FAILED, message);
    }

    Map<Phase, Long> millis() {
        return millis;
    }

    List<Result.LockHeld> locks() {
        return locks;
    }

    private void stop() {
        if (phase != null) {
            millis.merge(phase, (System.nanoTime() - started) / 1_000_000, Long::sum);
            phase = null;
        }
    }
}
