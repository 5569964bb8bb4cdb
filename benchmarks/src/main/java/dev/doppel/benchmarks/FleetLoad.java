package dev.doppel.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Once a second while a fleet benchmark runs: the machine's CPU busy share (from /proc/stat), the server's WAL
 * written since the last sample, and its active client backends; keeps the peaks and the mean CPU. The CPU is the
 * whole machine's, so other work on it shows too.
 */
final class FleetLoad implements AutoCloseable {

    private static final long PERIOD_MILLIS = 1000;

    private final Connection connection;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile double peakCpu;
    private double cpuSum;
    private int cpuSamples;
    private volatile long peakWalPerSecond;
    private volatile long peakActive;
    private volatile String failure;

    FleetLoad(Connection connection) {
        this.connection = connection;
        this.thread = new Thread(this::sample, "fleet-load-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        try (Statement s = connection.createStatement()) {
            long[] cpu = cpu();
            long wal = wal(s);
            while (running) {
                Thread.sleep(PERIOD_MILLIS);
                long[] nowCpu = cpu();
                long nowWal = wal(s);
                double busy = nowCpu[1] == cpu[1] ? 0 : (double) (nowCpu[0] - cpu[0]) / (nowCpu[1] - cpu[1]);
                synchronized (this) {
                    peakCpu = Math.max(peakCpu, busy);
                    cpuSum += busy;
                    cpuSamples++;
                }
                peakWalPerSecond = Math.max(peakWalPerSecond, (nowWal - wal) * 1000 / PERIOD_MILLIS);
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                        + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
                    rs.next();
                    peakActive = Math.max(peakActive, rs.getLong(1));
                }
                cpu = nowCpu;
                wal = nowWal;
            }
        } catch (SQLException | IOException e) {
            failure = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Busy and total jiffies of all CPUs. */
    private static long[] cpu() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
    }

    private static long wal(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join();
        if (failure != null) {
            throw new IllegalStateException("sampling the load failed: " + failure);
        }
    }

    double peakCpu() {
        return peakCpu;
    }

    synchronized double meanCpu() {
        return cpuSamples == 0 ? 0 : cpuSum / cpuSamples;
    }

    long peakWalPerSecond() {
        return peakWalPerSecond;
    }

    long peakActive() {
        return peakActive;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
