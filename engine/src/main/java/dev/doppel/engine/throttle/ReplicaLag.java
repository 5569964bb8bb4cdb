package dev.doppel.engine.throttle;

import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.ThrottleSql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the slowest standby's replay is behind, in seconds: each reading notes the primary's WAL position and
 * the time, and a standby that has replayed up to position P is behind by the age of the oldest noted position
 * past P. Unlike {@code pg_stat_replication.replay_lag}, which a standby only updates while it replays, this keeps
 * growing while replay stands still. Standbys come from {@code pg_stat_replication} and from connections to the
 * replicas given (for cascades, whose standbys the primary does not see). A standby that was seen and is gone, or
 * a replica that cannot be queried, is unreadable.
 */
final class ReplicaLag implements Signal {

    /** Positions older than this are forgotten: a standby further behind reads as this far behind. */
    private static final long HISTORY_NANOS = 3_600_000_000_000L;
    private static final int MAX_SAMPLES = 20_000;
    private static final Pattern HOST = Pattern.compile("//([^/?]+)");

    private record Sample(long nanos, long position) {
    }

    private final Session primary;
    private final List<String> replicaUrls;
    private final Map<String, Connection> replicas = new LinkedHashMap<>();
    private final ArrayDeque<Sample> history = new ArrayDeque<>();
    private final Set<String> seen = new LinkedHashSet<>();

    ReplicaLag(Session primary, List<String> replicaUrls) {
        this.primary = primary;
        this.replicaUrls = replicaUrls;
    }

    @Override
    public Measure measure() {
        return Measure.REPLICA_LAG;
    }

    @Override
    public Reading read() throws SQLException {
        long now = System.nanoTime();
        history.addLast(new Sample(now, primary.number(ThrottleSql.walPosition())));
        while (history.size() > MAX_SAMPLES || now - history.getFirst().nanos() > HISTORY_NANOS) {
            history.removeFirst();
        }
        Map<String, Long> replayed = new LinkedHashMap<>();
        primary.query(ThrottleSql.standbys(), rs -> replayed.put(rs.getString(1), (Long) rs.getObject(2)));
        for (String name : seen) {
            if (!replayed.containsKey(name)) {
                return Reading.unreadable("standby " + name + " is no longer connected to the primary");
            }
        }
        seen.addAll(replayed.keySet());
        Reading worst = Reading.of(0, replayed.isEmpty() && replicaUrls.isEmpty() ? "with no standbys" : "on all standbys");
        for (Map.Entry<String, Long> standby : replayed.entrySet()) {
            worst = worse(worst, standby.getValue(), standby.getKey(), now);
        }
        for (String url : replicaUrls) {
            String name = host(url);
            try {
                Long position = replayPosition(url);
                if (position == null) {
                    return Reading.unreadable("replica " + name + " is not a standby (not in recovery)");
                }
                worst = worse(worst, position, name, now);
            } catch (SQLException e) {
                forget(url);
                return Reading.unreadable("replica " + name + " cannot be queried: " + e.getMessage());
            }
        }
        return worst;
    }

    private Reading worse(Reading worst, Long replayedPosition, String name, long now) {
        double lag = replayedPosition == null ? secondsSince(history.getFirst().nanos(), now)
                : lagOf(replayedPosition, now);
        return lag > worst.value() ? Reading.of(lag, "on " + name) : worst;
    }

    /** The age of the oldest noted primary position the standby has not replayed yet; 0 when it has them all. */
    private double lagOf(long replayedPosition, long now) {
        for (Sample s : history) {
            if (s.position() > replayedPosition) {
                return secondsSince(s.nanos(), now);
            }
        }
        return 0;
    }

    private static double secondsSince(long nanos, long now) {
        return (now - nanos) / 1e9;
    }

    private Long replayPosition(String url) throws SQLException {
        Connection c = replicas.get(url);
        if (c == null) {
            Properties p = new Properties();
            p.setProperty("connectTimeout", "5");
            p.setProperty("socketTimeout", "5");
            p.setProperty("ApplicationName", "doppel throttle");
            // As for the main connection: a password in the URL wins, then PGPASSWORD, then PgJDBC reads ~/.pgpass.
            String password = System.getenv("PGPASSWORD");
            if (password != null && !password.isEmpty()) {
                p.setProperty("password", password);
            }
            c = DriverManager.getConnection(url, p);
            replicas.put(url, c);
        }
        try (PreparedStatement ps = c.prepareStatement(ThrottleSql.replayPosition());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return (Long) rs.getObject(1);
        }
    }

    private void forget(String url) {
        Connection c = replicas.remove(url);
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // The connection is already broken; a new one is made at the next reading.
            }
        }
    }

    /** host:port of a JDBC URL, for reasons: never the credentials. */
    static String host(String url) {
        Matcher m = HOST.matcher(url);
        return m.find() ? m.group(1) : "(replica)";
    }

    @Override
    public void close() {
        for (String url : List.copyOf(replicas.keySet())) {
            forget(url);
        }
    }
}
