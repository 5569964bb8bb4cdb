package dev.doppel.benchmarks;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Once a second while a change runs: the WAL the server wrote that second, the rows doppel copied that second
 * (from its state table; 0 for the other scenarios), and how far the furthest standby's replay is behind in
 * bytes (null without standbys). Shows what a throttle does over time, not only on average.
 */
final class RateSeries implements AutoCloseable {

    /** One second of a change. */
    record Second(int second, long walBytes, long rowsCopied, Long replicaLagBytes) {
    }

    private static final String WAL = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint";
    private static final String HAS_STATE = "SELECT (to_regclass('doppel.migrations') IS NOT NULL)::int";
    private static final String COPIED = "SELECT coalesce(sum(rows_copied), 0) FROM doppel.migrations";
    private static final String LAG = "SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn))::bigint"
            + " FROM pg_stat_replication";

    private final Connection connection;
    private final List<Second> seconds = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String failure;

    RateSeries(DataSource dataSource) throws SQLException {
        connection = dataSource.getConnection();
        thread = new Thread(this::sample, "rate-series");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        try {
            long wal = number(WAL);
            long copied = copied();
            long next = System.nanoTime() + 1_000_000_000L;
            for (int second = 1; running; second++) {
                Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                next += 1_000_000_000L;
                long w = number(WAL);
                long c = copied();
                Long lag;
                try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(LAG)) {
                    rs.next();
                    lag = (Long) rs.getObject(1);
                }
                synchronized (seconds) {
                    seconds.add(new Second(second, w - wal, c - copied, lag));
                }
                wal = w;
                copied = c;
            }
        } catch (SQLException e) {
            failure = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rows doppel has copied in this database so far; 0 before its state table exists. */
    private long copied() throws SQLException {
        return number(HAS_STATE) == 0 ? 0 : number(COPIED);
    }

    private long number(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Stops sampling; the seconds sampled so far (a part second at the end is left out). */
    List<Second> stop() throws InterruptedException, SQLException {
        running = false;
        thread.interrupt();
        thread.join();
        if (failure != null) {
            throw new SQLException("sampling the WAL and copy rates failed: " + failure);
        }
        synchronized (seconds) {
            return List.copyOf(seconds);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
