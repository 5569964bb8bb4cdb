package dev.doppel.benchmarks;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Samples, every 50 ms while a change runs, the database's size on disk and this JVM's used heap, and keeps the
 * peaks. The database size covers every relation (old table, shadow, copy, log, indexes), not WAL.
 */
final class ResourceSampler implements AutoCloseable {

    private static final long PERIOD_MILLIS = 50;

    private final Connection connection;
    private final PreparedStatement size;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final long startBytes;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakBytes;
    private volatile long peakHeap;
    private volatile String failure;

    ResourceSampler(DataSource dataSource) throws SQLException {
        connection = dataSource.getConnection();
        size = connection.prepareStatement("SELECT pg_database_size(current_database())");
        startBytes = databaseBytes();
        peakBytes = startBytes;
        peakHeap = memory.getHeapMemoryUsage().getUsed();
        thread = new Thread(this::sample, "resource-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private long databaseBytes() throws SQLException {
        try (ResultSet rs = size.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void sample() {
        while (running) {
            peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
            try {
                peakBytes = Math.max(peakBytes, databaseBytes());
                Thread.sleep(PERIOD_MILLIS);
            } catch (SQLException e) {
                failure = e.getMessage();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops sampling; takes one last sample so a change shorter than the period is still seen. */
    void stop() throws InterruptedException, SQLException {
        running = false;
        thread.join();
        if (failure != null) {
            throw new SQLException("sampling the database size failed: " + failure);
        }
        peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
        peakBytes = Math.max(peakBytes, databaseBytes());
    }

    /** Database growth at its peak over the size when sampling started. */
    long extraBytesAtPeak() {
        return peakBytes - startBytes;
    }

    long peakHeapBytes() {
        return peakHeap;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
