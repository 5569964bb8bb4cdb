package dev.doppel.engine.throttle;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The throttle a migration starts with. Limits can be changed while it runs through the control row; the replicas,
 * the probe query and the critical action are fixed at the start, and recorded with the migration so that a resume
 * uses them too (see {@link #over}). A null or empty field was not given.
 *
 * @param limits              per measure; a measure without one is not read
 * @param replicas            JDBC URLs of standbys to ask directly for their replay position (cascades)
 * @param probe               a query returning one number, for the {@code probe} limit
 * @param onCritical          what a reading at or above a critical threshold does; null: pause
 * @param criticalPause       how long {@link Critical#PAUSE} holds the copy before reading again; null: 5 minutes
 * @param replayRowsPerSecond cap on the change-log replay outside the cut-over lock; 0 for none
 */
public record ThrottleSettings(Map<Measure, Threshold> limits, List<String> replicas, String probe,
                               Critical onCritical, Duration criticalPause, long replayRowsPerSecond) {

    /** What a critical reading does. */
    public enum Critical {
        /** Hold the copy for {@link #criticalPause()}, then read again. */
        PAUSE,
        /** Stop the migration, resumable, with the reason recorded. */
        ABORT
    }

    private static final Pattern LIMIT = Pattern.compile("([a-z-]+)=([^:]+)(?::(.+))?");
    private static final Pattern AMOUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)(/s)?");

    public ThrottleSettings {
        EnumMap<Measure, Threshold> copy = new EnumMap<>(Measure.class);
        copy.putAll(limits);
        limits = Collections.unmodifiableMap(copy);
        replicas = List.copyOf(replicas);
    }

    private static final Duration DEFAULT_PAUSE = Duration.ofMinutes(5);
    /** A connection parameter holding a secret (password, sslpassword), with its value, in a JDBC URL's query. */
    private static final Pattern SECRET = Pattern.compile("(?i)([?&])[a-z]*password=[^&]*&?");

    public static ThrottleSettings none() {
        return new ThrottleSettings(Map.of(), List.of(), null, null, null, 0);
    }

    /** The critical pause in force: the one given, else 5 minutes. */
    public Duration pause() {
        return criticalPause == null ? DEFAULT_PAUSE : criticalPause;
    }

    /**
     * These settings, given to a resume, over the ones the migration recorded: each limit given replaces the
     * recorded one of its measure, and replicas, probe, critical action and pause replace the recorded ones when
     * given. The replay cap is this resume's, like the copy's rate.
     */
    public ThrottleSettings over(ThrottleSettings recorded) {
        EnumMap<Measure, Threshold> merged = new EnumMap<>(Measure.class);
        merged.putAll(recorded.limits);
        merged.putAll(limits);
        return new ThrottleSettings(merged, replicas.isEmpty() ? recorded.replicas : replicas,
                probe == null ? recorded.probe : probe, onCritical == null ? recorded.onCritical : onCritical,
                criticalPause == null ? recorded.criticalPause : criticalPause, replayRowsPerSecond);
    }

    /**
     * The replica URLs as they may be recorded and shown: without any password parameter. A replica is then
     * reached with the password from PGPASSWORD or ~/.pgpass, as the main connection is.
     */
    public List<String> recordableReplicas() {
        return replicas.stream().map(ThrottleSettings::withoutSecrets).toList();
    }

    static String withoutSecrets(String url) {
        String stripped = url;
        for (String previous = null; !stripped.equals(previous); ) {
            previous = stripped;
            stripped = SECRET.matcher(stripped).replaceFirst("$1");
        }
        return stripped.endsWith("?") || stripped.endsWith("&") ? stripped.substring(0, stripped.length() - 1)
                : stripped;
    }

    public ThrottleSettings withLimit(Measure m, Threshold t) {
        EnumMap<Measure, Threshold> changed = new EnumMap<>(Measure.class);
        changed.putAll(limits);
        changed.put(m, t);
        return new ThrottleSettings(changed, replicas, probe, onCritical, criticalPause, replayRowsPerSecond);
    }

    public ThrottleSettings withReplicas(List<String> urls) {
        return new ThrottleSettings(limits, urls, probe, onCritical, criticalPause, replayRowsPerSecond);
    }

    public ThrottleSettings withProbe(String sql) {
        return new ThrottleSettings(limits, replicas, sql, onCritical, criticalPause, replayRowsPerSecond);
    }

    public ThrottleSettings withOnCritical(Critical action, Duration pause) {
        return new ThrottleSettings(limits, replicas, probe, action, pause, replayRowsPerSecond);
    }

    public ThrottleSettings withReplayRowsPerSecond(long n) {
        return new ThrottleSettings(limits, replicas, probe, onCritical, criticalPause, n);
    }

    /** Replica URLs as host:port only: this text is recorded with the migration, and a URL may hold a password. */
    @Override
    public String toString() {
        return "ThrottleSettings[limits=" + formatLimits(limits) + ", replicas="
                + replicas.stream().map(ReplicaLag::host).toList() + ", probe=" + probe + ", onCritical=" + onCritical
                + ", criticalPause=" + criticalPause + ", replayRowsPerSecond=" + replayRowsPerSecond + "]";
    }

    /**
     * One limit as operators write it: {@code NAME=MAX[:CRITICAL]}, e.g. {@code wal-rate=20MB:100MB},
     * {@code replica-lag=5s:60s}, {@code lock-waiters=3}. Sizes take kB, MB, GB (1024-based, as in PostgreSQL)
     * and an optional "/s"; durations ms, s, min; a bare number is bytes, seconds or a count.
     */
    public static Map.Entry<Measure, Threshold> parseLimit(String text) {
        Matcher m = LIMIT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("a throttle limit is NAME=MAX or NAME=MAX:CRITICAL, e.g."
                    + " replica-lag=5s:60s; got '" + text + "'");
        }
        Measure measure = Measure.of(m.group(1));
        double max = amount(measure, m.group(2));
        double critical = m.group(3) == null ? 0 : amount(measure, m.group(3));
        return Map.entry(measure, new Threshold(max, critical));
    }

    /** Several limits separated by commas, as the control row keeps them; empty or null is none. */
    public static Map<Measure, Threshold> parseLimits(String text) {
        Map<Measure, Threshold> limits = new EnumMap<>(Measure.class);
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                Map.Entry<Measure, Threshold> e = parseLimit(part);
                limits.put(e.getKey(), e.getValue());
            }
        }
        return limits;
    }

    /** The inverse of {@link #parseLimits}, in base units. */
    public static String formatLimits(Map<Measure, Threshold> limits) {
        StringBuilder sb = new StringBuilder();
        limits.forEach((m, t) -> sb.append(sb.isEmpty() ? "" : ",").append(m.label()).append('=').append(t));
        return sb.toString();
    }

    private static double amount(Measure measure, String text) {
        Matcher m = AMOUNT.matcher(text.trim());
        if (!m.matches() || m.group(3) != null && measure != Measure.WAL_RATE) {
            throw new IllegalArgumentException("'" + text + "' is not an amount for " + measure.label());
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        boolean bytes = measure == Measure.WAL_RATE || measure == Measure.SLOT_LAG;
        double factor = switch (unit) {
            case "" -> 1;
            case "b" -> bytes ? 1 : -1;
            case "kb" -> bytes ? 1024 : -1;
            case "mb" -> bytes ? 1024 * 1024 : -1;
            case "gb" -> bytes ? 1024.0 * 1024 * 1024 : -1;
            case "ms" -> measure == Measure.REPLICA_LAG ? 0.001 : -1;
            case "s" -> measure == Measure.REPLICA_LAG ? 1 : -1;
            case "min" -> measure == Measure.REPLICA_LAG ? 60 : -1;
            default -> -1;
        };
        if (factor < 0) {
            throw new IllegalArgumentException("'" + m.group(2) + "' is not a unit for " + measure.label() + "; "
                    + (bytes ? "give bytes, kB, MB or GB" : measure == Measure.REPLICA_LAG ? "give ms, s or min"
                    : "give a plain number"));
        }
        return value * factor;
    }
}
