package dev.doppel.engine.throttle;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.OperatorRequests;
import dev.doppel.engine.state.MigrationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Decides before each chunk of paced work (the copy, a throttled verification, a data job's batches) whether it
 * may go on: not while the operator has paused it, a limit is
 * exceeded, or a limited signal cannot be read. While held it reads again every half second; the reason is
 * recorded in the migration's row (for `status`), given to the listener (progress line, metrics) and logged when
 * its cause changes; it is cleared once the copy has gone {@link #QUIET_NANOS} without a hold, or has ended. A
 * reading at or above a critical threshold pauses for longer (until the operator's next command, at most), or stops
 * the migration resumably, as the settings say.
 */
public final class Throttler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Throttler.class);
    private static final long RECHECK_MILLIS = 500;
    /**
     * A rate limit holds the copy for a moment between most chunks; it counts as throttled until it has gone this
     * long without a hold, so that status, progress and log show one throttled stretch, not one per chunk.
     */
    private static final long QUIET_NANOS = 5_000_000_000L;

    /** Why the copy is held; {@code cause} is what metrics and logs group by. */
    record Decision(String cause, String reason, boolean critical) {
    }

    private final Session session;
    private final long tableOid;
    private final String table;
    private final ThrottleSettings settings;
    private final OperatorRequests operator;
    private final long migrationId;
    private final MigrationListener listener;
    private final Map<Measure, Signal> signals = new EnumMap<>(Measure.class);
    private String heldFor;
    private long lastHeld;
    private long lastChunkWal;
    private double walLimit;
    /** The operator ended a critical pause: readings at a critical threshold hold like a limit until they drop. */
    private boolean criticalWaived;

    /**
     * @param session signals read through it; a session of its own, since a probe runs arbitrary SQL on it
     */
    public Throttler(Session session, long tableOid, String table, ThrottleSettings settings, OperatorRequests operator,
                     long migrationId, MigrationListener listener) {
        this.session = session;
        this.tableOid = tableOid;
        this.table = table;
        this.settings = settings;
        this.operator = operator;
        this.migrationId = migrationId;
        this.listener = listener;
    }

    /** Waits until the copy may go on; returns the operator's settings to copy the next chunk with. */
    public OperatorRequests.Settings await() throws SQLException {
        lastChunkWal = -1;
        while (true) {
            OperatorRequests.Settings live = operator.current();
            boolean first = lastChunkWal < 0;
            Decision d = decide(live);
            if (first) {
                Signal wal = signals.get(Measure.WAL_RATE);
                lastChunkWal = wal == null ? 0 : ((WalRate) wal).bytesSincePrevious();
            }
            if (d == null) {
                if (heldFor != null && System.nanoTime() - lastHeld > QUIET_NANOS) {
                    release();
                }
                return live;
            }
            hold(d);
            if (d.critical() && settings.onCritical() == ThrottleSettings.Critical.ABORT) {
                throw new DoppelException(Reason.THROTTLE_CRITICAL, d.reason() + " (critical; the migration was started"
                        + " with --on-critical abort)");
            }
            if (d.critical()) {
                criticalPause(live);
            } else {
                DoppelException.pause(Duration.ofMillis(RECHECK_MILLIS), "the work on " + table + " was held");
            }
        }
    }

    /**
     * Holds for the critical pause, reading the control row as an ordinary hold does, so that the operator's
     * command (pause, unpause, a rate or a limit) ends it within a second. After such a command the operator is
     * in charge: a reading still at its critical threshold holds like an ordinary limit until it drops below.
     */
    private void criticalPause(OperatorRequests.Settings before) throws SQLException {
        long end = System.nanoTime() + settings.pause().toNanos();
        while (System.nanoTime() < end) {
            DoppelException.pause(Duration.ofMillis(Math.min(RECHECK_MILLIS, Math.max(1, (end - System.nanoTime()) / 1_000_000))), "the work on " + table + " was held");
            if (operator.current().requests() != before.requests()) {
                log.info("migration {}: the operator's command ends the critical pause of the work on {}",
                        migrationId, table);
                criticalWaived = true;
                return;
            }
        }
    }

    /**
     * Under a WAL-rate limit, at most as many rows as write one chunk target's worth of the limit, judged by the
     * WAL written since the last chunk began (everyone's, so it errs small): a chunk grown large on a fast copy
     * would write its WAL in one burst and then be held for long, instead of writing steadily.
     */
    public int bound(int rows, long lastChunkRows, Duration chunkTarget) {
        if (walLimit <= 0 || lastChunkWal <= 0 || lastChunkRows <= 0) {
            return rows;
        }
        double perRow = (double) lastChunkWal / lastChunkRows;
        return (int) Math.max(1, Math.min(rows, walLimit * chunkTarget.toMillis() / 1000 / perRow));
    }

    /** The copy has ended: whatever held it no longer does. */
    public void done() throws SQLException {
        if (heldFor != null) {
            release();
        }
    }

    private void release() throws SQLException {
        log.info("migration {}: work on {} goes on after being held ({})", migrationId, table, heldFor);
        heldFor = null;
        MigrationStore.throttled(session, migrationId, null);
        listener.unthrottled();
    }

    /** The limits in force: the operator's where given, else the ones the migration started with. */
    Map<Measure, Threshold> limits(OperatorRequests.Settings live) {
        Map<Measure, Threshold> limits = new EnumMap<>(Measure.class);
        limits.putAll(settings.limits());
        limits.putAll(live.limits());
        limits.values().removeIf(Threshold::off);
        return limits;
    }

    private Decision decide(OperatorRequests.Settings live) throws SQLException {
        if (live.paused()) {
            walLimit = 0;
            return new Decision("paused", "paused by the operator", false);
        }
        Decision held = null;
        boolean anyCritical = false;
        Map<Measure, Threshold> limits = limits(live);
        walLimit = limits.containsKey(Measure.WAL_RATE) ? limits.get(Measure.WAL_RATE).max() : 0;
        for (Map.Entry<Measure, Threshold> e : limits.entrySet()) {
            Measure m = e.getKey();
            Threshold t = e.getValue();
            Reading r = signal(m).read();
            Decision d;
            if (!r.readable()) {
                d = new Decision(m.label() + "-unreadable", m.describe() + " unreadable: " + r.error(), false);
            } else if (t.critical() > 0 && r.value() >= t.critical()) {
                anyCritical = true;
                d = new Decision(m.label(), m.describe() + " " + m.format(r.value()) + " >= critical "
                        + m.format(t.critical()) + where(r) + (criticalWaived ? " (critical pause ended by the"
                        + " operator)" : ""), !criticalWaived);
            } else if (t.max() > 0 && r.value() > t.max()) {
                d = new Decision(m.label(), m.describe() + " " + m.format(r.value()) + " > " + m.format(t.max())
                        + where(r), false);
            } else {
                continue;
            }
            if (d.critical()) {
                return d;
            }
            held = held == null ? d : held;
        }
        criticalWaived &= anyCritical;
        return held;
    }

    private static String where(Reading r) {
        return r.where().isEmpty() ? "" : " " + r.where();
    }

    private void hold(Decision d) throws SQLException {
        if (!d.cause().equals(heldFor)) {
            log.warn("migration {}: work on {} held: {}", migrationId, table, d.reason());
            heldFor = d.cause();
        }
        lastHeld = System.nanoTime();
        MigrationStore.throttled(session, migrationId, d.reason());
        listener.throttled(d.cause(), d.reason());
    }

    private Signal signal(Measure m) {
        return signals.computeIfAbsent(m, k -> switch (k) {
            case WAL_RATE -> new WalRate(session);
            case REPLICA_LAG -> new ReplicaLag(session, settings.replicas());
            case SLOT_LAG -> new SlotLag(session);
            case ACTIVE_SESSIONS, LOCK_WAITERS -> new TableLoad(session, tableOid, table, k);
            case PROBE -> new Probe(session, settings.probe());
        });
    }


    @Override
    public void close() {
        signals.values().forEach(Signal::close);
    }
}
