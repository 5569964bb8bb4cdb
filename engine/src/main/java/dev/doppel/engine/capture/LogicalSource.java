package dev.doppel.engine.capture;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.LogicalSql;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.verify.QuietPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Capture by logical decoding, with no trigger on the application's write path: a publication of the source table
 * alone (a tree's through its root, with a TRUNCATE trigger on each partition, which that publication does not
 * send when a partition is truncated by its own name) and a pgoutput slot, created before the copy's first chunk so that every write the copy does not see is
 * in the stream; a {@link LogicalRelay} moves the stream's keys into the same change log the triggers fill, so the
 * re-sync, verification and resume work as in trigger mode.
 */
public final class LogicalSource implements ChangeSource {

    private static final Logger log = LoggerFactory.getLogger(LogicalSource.class);
    private static final String OBJECT_IN_USE = "55006";
    private static final Duration SLOT_WAIT = Duration.ofMinutes(10);
    /** How long a drain or a quiet point first waits for the relay to bring the log up to date. */
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final Session session;
    private final MigrationSql sql;
    private final LockRetry lock;
    private final String slot;
    private LogicalRelay relay;

    public LogicalSource(DataSource dataSource, Session session, MigrationSql sql, LockRetry lock, String slot) {
        this.dataSource = dataSource;
        this.session = session;
        this.sql = sql;
        this.lock = lock;
        this.slot = slot;
    }

    @Override
    public String installing() {
        return "creating publication " + sql.names().publication() + " and replication slot " + slot;
    }

    @Override
    public String installLock() {
        return "publication membership (SHARE UPDATE EXCLUSIVE)";
    }

    @Override
    public String keepsChanges() {
        return "replication slot " + slot + " keeps the changes (and the server keeps WAL for it until then)";
    }

    /** The slot's name for this table in the session's database. */
    public static String slotName(Session s, ObjectNames names) throws SQLException {
        return names.slot(s.number(LogicalSql.databaseOid()));
    }

    public static boolean slotExists(Session s, String slot) throws SQLException {
        return s.number(LogicalSql.slotExists(), slot) > 0;
    }

    /** Every doppel slot on the server, whichever database it decodes. */
    public static List<ReplicationSlot> slots(Session s) throws SQLException {
        return s.query(LogicalSql.slots(), rs -> new ReplicationSlot(rs.getString(1), rs.getString(2),
                rs.getBoolean(3), rs.getLong(4)));
    }

    @Override
    public void install() throws SQLException {
        session.execute(sql.createLog());
        boolean tree = sql.partitions().partitioned();
        if (tree) {
            session.execute(sql.createCaptureFunction());
        }
        // ShareUpdateExclusive on the source: an autovacuum may hold it, so in short attempts. A tree's TRUNCATE
        // triggers take SHARE ROW EXCLUSIVE on each partition, in the same attempts.
        lock.run("adding " + sql.src() + " to publication " + sql.names().publication(), s -> {
            if (tree) {
                for (String statement : sql.truncateTriggers()) {
                    s.execute(statement);
                }
            }
            s.execute(LogicalSql.createPublication(sql.names(), sql.src(), tree));
            return Boolean.TRUE;
        }, LockRetry.NOTHING_BETWEEN);
        log.info("creating replication slot {}; it waits for transactions already running to end", slot);
        try {
            // The slot waits on the transaction locks of those older transactions: not a lock doppel contends for
            // with writers, so no short lock timeout, but a bound.
            String at = session.transaction(s -> {
                s.execute("SET LOCAL lock_timeout = 0");
                s.execute("SET LOCAL statement_timeout = " + Identifiers.literal(SLOT_WAIT.toSeconds() + "s"));
                return s.text(LogicalSql.createSlot(), slot);
            });
            log.info("replication slot {} is consistent at {}", slot, at);
        } catch (SQLException e) {
            throw new DoppelException(Reason.CAPTURE_FAILED, "creating replication slot " + slot + " failed: "
                    + e.getMessage() + ". It waits (up to " + SLOT_WAIT.toMinutes() + " minutes) for every transaction"
                    + " open when it starts: end long transactions (pg_stat_activity) and resume, or abort", e);
        }
    }

    @Override
    public void start() throws SQLException {
        if (!slotExists(session, slot)) {
            throw new DoppelException(Reason.CAPTURE_FAILED, "replication slot " + slot + " is gone (dropped by hand?);"
                    + " changes since it went were not captured. Abort the migration and run it again");
        }
        releaseSlot(session, slot);
        relay = LogicalRelay.start(dataSource, sql, slot);
    }

    @Override
    public boolean catchUp(Duration timeout) throws SQLException {
        if (relay == null) {
            throw new IllegalStateException("the relay of " + slot + " was not started");
        }
        return relay.catchUp(timeout);
    }

    /**
     * Verification's snapshot is taken under a brief SHARE lock on the source, once the relay has logged every write
     * committed before the lock; the comparison itself then runs without a lock.
     */
    @Override
    public QuietPoint quietPoint(LockRetry quiet, Duration maxHeld, LockRetry.Report report) {
        return start -> {
            quiet.run("quiet point for verifying " + sql.src(), s -> {
                s.execute(sql.lockForQuietPoint());
                if (!catchUp(maxHeld)) {
                    return null;
                }
                start.run();
                return Boolean.TRUE;
            }, () -> catchUp(CATCH_UP));
            report.held("verification quiet point (SHARE)", quiet.lastHeldMillis(), quiet.lastAttempts());
        };
    }

    /** After the swap the slot has nothing left to capture, and every hour it stays it keeps WAL. */
    @Override
    public void afterSwap() throws SQLException {
        close();
        remove(session, sql.names());
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close();
            relay = null;
        }
    }

    /**
     * Drops the slot and the publication, whatever holds the slot: a walsender of a killed doppel lingers until the
     * server notices, and its slot would keep WAL until the disk fills. Callers hold the migration's advisory
     * lock, so no live doppel reads this slot.
     */
    public static void remove(Session s, ObjectNames names) throws SQLException {
        String slot = slotName(s, names);
        for (int attempt = 0; slotExists(s, slot); attempt++) {
            releaseSlot(s, slot);
            try {
                s.execute(LogicalSql.dropSlot(), slot);
            } catch (SQLException e) {
                if (!OBJECT_IN_USE.equals(e.getSQLState()) || attempt == 200) {
                    throw e;
                }
                DoppelException.pause(Duration.ofMillis(50), "waiting for a replication slot");
            }
        }
        s.execute(LogicalSql.dropPublication(names));
    }

    /** Ends a lingering walsender on the slot and waits until the slot is free. */
    private static void releaseSlot(Session s, String slot) throws SQLException {
        for (int attempt = 0; attempt < 200; attempt++) {
            if (s.number(LogicalSql.slotActive(), slot) == 0) {
                return;
            }
            if (attempt == 0) {
                log.info("replication slot {} is still held by a walsender (of a stopped doppel?); ending it", slot);
            }
            s.execute(LogicalSql.terminateHolder(), slot);
            DoppelException.pause(Duration.ofMillis(50), "waiting for a replication slot");
        }
        throw new DoppelException(Reason.CAPTURE_FAILED, "replication slot " + slot + " stays in use by another backend"
                + " (pg_replication_slots.active_pid); end it, then retry");
    }

}
