package dev.doppel.cli;

import dev.doppel.engine.Options;
import dev.doppel.engine.throttle.Measure;
import dev.doppel.engine.throttle.ThrottleSettings;
import dev.doppel.engine.throttle.Threshold;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The throttle a migration copies under, shared by run and resume. The engine records it with the migration; a
 * resume uses the recorded one, with each flag given here replacing its recorded counterpart.
 */
final class ThrottleOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--limit", paramLabel = "<name=max[:critical]>", description = "Hold the copy while a signal is"
            + " over MAX; at CRITICAL, take the --on-critical action. Names: wal-rate (bytes/s; kB, MB, GB),"
            + " replica-lag (s; ms, min), slot-lag (bytes), active-sessions, lock-waiters, probe. Repeatable,"
            + " e.g. --limit replica-lag=5s:60s --limit wal-rate=20MB.")
    List<String> limits = new ArrayList<>();

    @Option(names = "--replica", paramLabel = "<jdbc-url>", description = "A standby to ask for its replay position"
            + " directly (for cascades the primary does not see); repeatable. Standbys streaming from the source"
            + " are read from pg_stat_replication without this. Recorded without its password: give that in"
            + " PGPASSWORD or ~/.pgpass, so that a resume can connect too.")
    List<String> replicas = new ArrayList<>();

    @Option(names = "--probe", paramLabel = "<sql>", description = "A query returning one number, for"
            + " --limit probe=MAX; it runs read-only (rolled back) with a 2 s timeout before each chunk.")
    String probe;

    @Option(names = "--on-critical", paramLabel = "<pause|abort>", description = "At a critical threshold: pause"
            + " the copy for --critical-pause, or stop the migration (resumable). Default: pause (on resume: as"
            + " recorded).")
    String onCritical;

    @Option(names = "--critical-pause", paramLabel = "<duration>", converter = Durations.class,
            description = "How long a critical reading pauses the copy, unless the operator's pause, unpause or"
                    + " throttle ends it sooner (default: 5min; on resume: as recorded).")
    Duration criticalPause;

    @Option(names = "--max-replay-rows-per-second", paramLabel = "<n>", description = "Cap on replaying the change"
            + " log outside the cut-over lock; replay is not held by the limits, so that the backlog stays small."
            + " 0 for none (default).")
    long replayRowsPerSecond;

    Options applyTo(Options options) {
        ThrottleSettings t = ThrottleSettings.none().withReplicas(replicas).withProbe(probe)
                .withReplayRowsPerSecond(replayRowsPerSecond);
        if (replayRowsPerSecond < 0) {
            throw usage("--max-replay-rows-per-second must be 0 (no cap) or more");
        }
        for (String limit : limits) {
            Map.Entry<Measure, Threshold> e = parse(mixee, limit);
            t = t.withLimit(e.getKey(), e.getValue());
        }
        // A resume may rely on the probe recorded with the migration.
        if (t.limits().containsKey(Measure.PROBE) && (probe == null || probe.isBlank())
                && !"resume".equals(mixee.name())) {
            throw usage("--limit probe=... needs --probe '<query returning a number>'");
        }
        ThrottleSettings.Critical action = onCritical == null ? null : switch (onCritical) {
            case "pause" -> ThrottleSettings.Critical.PAUSE;
            case "abort" -> ThrottleSettings.Critical.ABORT;
            default -> throw usage("--on-critical is pause or abort, not '" + onCritical + "'");
        };
        return options.withThrottle(t.withOnCritical(action, criticalPause));
    }

    static Map.Entry<Measure, Threshold> parse(CommandSpec spec, String text) {
        try {
            return ThrottleSettings.parseLimit(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--limit " + text + ": " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
