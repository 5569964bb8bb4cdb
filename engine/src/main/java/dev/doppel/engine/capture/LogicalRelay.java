package dev.doppel.engine.capture;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.LogicalSql;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A thread that reads the slot's pgoutput stream and appends the decoded keys to the change log, one transaction
 * per batch. The slot's confirmed position moves only after the batch holding everything before it has committed,
 * so a crash at any point loses nothing: the slot sends again what the log may lack, and a key logged twice is
 * re-synced twice, harmlessly.
 */
final class LogicalRelay implements PgOutputDecoder.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogicalRelay.class);
    private static final int BATCH = 2_000;

    private final Connection replication;
    private final PGReplicationStream stream;
    private final Session writer;
    private final Session marker;
    private final MigrationSql sql;
    private final String slot;
    private final PgOutputDecoder decoder;
    private final List<String[]> pending = new ArrayList<>();
    private final Object progress = new Object();
    private final Thread thread;
    private boolean inTransaction;
    private boolean markerInTransaction;
    private long lastCommit;
    private long confirmed;
    /** Everything committed before this LSN has its key in the log (committed there). */
    private volatile long reached;
    private volatile Throwable failure;
    private volatile boolean running = true;

    private LogicalRelay(Connection replication, PGReplicationStream stream, Session writer, Session marker,
                         MigrationSql sql, String slot) {
        this.replication = replication;
        this.stream = stream;
        this.writer = writer;
        this.marker = marker;
        this.sql = sql;
        this.slot = slot;
        this.decoder = new PgOutputDecoder(sql.sourceKey());
        // The relay logs on behalf of the migration that started it: same context (a fleet's target, say).
        java.util.Map<String, String> context = org.slf4j.MDC.getCopyOfContextMap();
        this.thread = new Thread(() -> {
            if (context != null) {
                org.slf4j.MDC.setContextMap(context);
            }
            run();
        }, "doppel relay " + slot);
        thread.setDaemon(true);
    }

    /** Opens the stream at the slot's confirmed position and starts relaying. */
    static LogicalRelay start(DataSource dataSource, MigrationSql sql, String slot) throws SQLException {
        Session writer = Session.open(dataSource, "relay");
        Session marker = null;
        Connection replication = null;
        try {
            // The slot moves on once a batch commits: that commit must survive a crash of the server.
            writer.execute("SET synchronous_commit = on");
            marker = Session.open(dataSource, "marker");
            marker.execute("SET synchronous_commit = on");
            replication = ReplicationConnections.open(dataSource);
            PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI()
                    .replicationStream().logical().withSlotName(slot)
                    .withSlotOption("proto_version", 1)
                    .withSlotOption("publication_names", LogicalSql.publicationOption(sql.names()))
                    .withSlotOption("messages", true)
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    .start();
            LogicalRelay relay = new LogicalRelay(replication, stream, writer, marker, sql, slot);
            relay.thread.start();
            log.info("relaying changes from replication slot {} into {}", slot, sql.names().log());
            return relay;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(replication, e);
            closeQuietly(marker, e);
            closeQuietly(writer, e);
            throw e;
        }
    }

    private void run() {
        try {
            while (running) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    idle();
                    Thread.sleep(5);
                    continue;
                }
                decoder.decode(message, this);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
            if (running) {
                log.error("relaying from replication slot {} failed: {}", slot, e.toString());
            }
        } finally {
            closeQuietly(stream);
            closeQuietly(replication, null);
            closeQuietly(writer, null);
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    @Override
    public void begin() {
        inTransaction = true;
    }

    @Override
    public void key(char op, String[] values) {
        String[] entry = new String[values.length + 1];
        entry[0] = String.valueOf(op);
        System.arraycopy(values, 0, entry, 1, values.length);
        add(entry);
    }

    @Override
    public void truncate() {
        String[] entry = new String[sql.sourceKey().size() + 1];
        entry[0] = "T";
        add(entry);
    }

    /** A huge transaction is logged in batches as it streams; only its commit lets the slot move past it. */
    private void add(String[] entry) {
        pending.add(entry);
        if (pending.size() >= BATCH) {
            flush(lastCommit);
        }
    }

    @Override
    public void commit(long endLsn) {
        inTransaction = false;
        lastCommit = endLsn;
        if (markerInTransaction) {
            markerInTransaction = false;
            flush(endLsn);
        }
    }

    @Override
    public void message(boolean transactional, long lsn, String prefix) {
        if (LogicalSql.MARKER_PREFIX.equals(prefix)) {
            markerInTransaction = transactional;
            if (!transactional) {
                flush(lastCommit);
            }
        }
    }

    /**
     * Nothing more to read for now: commit what is pending. Outside a transaction everything the server sent has
     * been handled, so the position it last reported (keepalives included) is safe to confirm, and the slot does
     * not keep WAL of other tables' writes.
     */
    private void idle() throws SQLException {
        long upTo = lastCommit;
        if (!inTransaction) {
            upTo = Math.max(upTo, stream.getLastReceiveLSN().asLong());
        }
        flush(upTo);
    }

    /** Commits the pending keys, then confirms {@code upTo} to the server and to those waiting in {@link #catchUp}. */
    private void flush(long upTo) {
        try {
            if (!pending.isEmpty()) {
                List<String[]> batch = List.copyOf(pending);
                writer.transaction(s -> {
                    try (PreparedStatement ps = s.connection().prepareStatement(sql.insertLogEntry())) {
                        for (String[] entry : batch) {
                            for (int i = 0; i < entry.length; i++) {
                                ps.setString(i + 1, entry[i]);
                            }
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    return null;
                });
                pending.clear();
            }
            if (upTo > confirmed) {
                LogSequenceNumber lsn = LogSequenceNumber.valueOf(upTo);
                stream.setFlushedLSN(lsn);
                stream.setAppliedLSN(lsn);
                stream.forceUpdateStatus();
                confirmed = upTo;
                synchronized (progress) {
                    reached = upTo;
                    progress.notifyAll();
                }
            }
        } catch (SQLException e) {
            throw new DoppelException(Reason.CAPTURE_FAILED, "writing decoded keys into " + sql.names().log()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Emits a marker and waits until the relay has committed every key before it: from then on, every write
     * committed before this call is in the log. Returns false after {@code timeout}.
     */
    synchronized boolean catchUp(Duration timeout) throws SQLException {
        requireAlive();
        long target = LogSequenceNumber.valueOf(marker.text(LogicalSql.emitMarker(), slot)).asLong();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (reached < target) {
                requireAlive();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DoppelException(Reason.INTERRUPTED, "stopped by request while waiting for the relay of " + slot, e);
                }
            }
        }
        return true;
    }

    private void requireAlive() {
        Throwable f = failure;
        if (f != null || !thread.isAlive()) {
            throw new DoppelException(Reason.CAPTURE_FAILED, "relaying changes from replication slot " + slot
                    + " stopped: " + (f == null ? "the relay thread ended" : f.getMessage()) + ". The slot keeps"
                    + " every change since the last one logged; resume the migration to go on", f);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(marker, null);
    }

    private static void closeQuietly(AutoCloseable c, Exception into) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            if (into != null) {
                into.addSuppressed(e);
            }
        }
    }

    private static void closeQuietly(PGReplicationStream s) {
        try {
            s.close();
        } catch (SQLException e) {
            log.debug("closing the replication stream: {}", e.getMessage());
        }
    }
}
