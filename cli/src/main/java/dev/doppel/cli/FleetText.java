package dev.doppel.cli;

import dev.doppel.engine.Options;
import dev.doppel.engine.fleet.FleetChange;
import dev.doppel.engine.fleet.FleetControl;
import dev.doppel.engine.fleet.FleetReport;
import dev.doppel.engine.fleet.FleetStatus;
import dev.doppel.engine.fleet.TargetOutcome;
import dev.doppel.engine.fleet.TargetPlan;
import dev.doppel.engine.fleet.TargetStatus;
import picocli.CommandLine.ParameterException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The fleet commands' change from their options, and their reports as aligned text or JSON objects. */
final class FleetText {

    private FleetText() {
    }

    /** The change with the options every target runs with; a standby URL belongs to one target, so none is taken. */
    static FleetChange change(ChangeOptions change, LockOptions locks, CopyOptions copy, SpaceOptions space,
                              ThrottleOptions throttle) {
        Options o = copy.applyTo(locks.applyTo(Options.defaults()));
        if (throttle != null) {
            if (!throttle.replicas.isEmpty()) {
                throw new ParameterException(change.mixee.commandLine(), "--replica names one server's standby; in a"
                        + " fleet each target's replica lag is read from its own pg_stat_replication. Leave"
                        + " --replica out (keep --limit replica-lag=...)");
            }
            o = throttle.applyTo(o);
        }
        return new FleetChange(change.table, change.change(), space.applyTo(change.applyTo(o)));
    }

    /** The change alone, for the commands that only read or instruct the targets. */
    static FleetChange change(ChangeOptions change) {
        return new FleetChange(change.table, change.change(), Options.defaults());
    }

    static String plans(List<TargetPlan> plans) {
        List<String[]> rows = new ArrayList<>();
        for (TargetPlan p : plans) {
            rows.add(new String[] {p.target().name(), p.verdict().code(), String.format(Locale.ROOT, "%,d", p.rows()),
                    p.proceeds() ? p.detail() : p.reason() + ": " + p.detail()});
        }
        long bad = plans.stream().filter(p -> !p.proceeds()).count();
        return table(new String[] {"TARGET", "VERDICT", "ROWS", "DETAIL"}, rows) + "fleet: " + plans.size()
                + " targets, " + counts(plans.stream().map(p -> p.verdict().code()).toList())
                + (bad == 0 ? "; every target can take the change\n" : "; " + bad + " cannot: fix them, or run with"
                + " --keep-going to leave them out\n");
    }

    static Map<String, Object> json(TargetPlan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", p.target().name());
        m.put("verdict", p.verdict().code());
        m.put("reason", p.reason());
        m.put("detail", p.detail());
        m.put("rows", p.rows());
        m.put("migration", p.migrationId() == 0 ? null : p.migrationId());
        m.put("strategy", p.plan() == null ? null : p.plan().strategy().name().toLowerCase(Locale.ROOT));
        return m;
    }

    static String report(FleetReport r) {
        if (r.refused()) {
            return plans(r.plans()) + "nothing was started\n";
        }
        List<String[]> rows = new ArrayList<>();
        for (TargetOutcome o : r.outcomes()) {
            rows.add(new String[] {o.target().name(), o.status().code(), o.migrationId() == 0 ? "-"
                    : String.valueOf(o.migrationId()), (o.reason() == null ? "" : o.reason() + ": ")
                    + (o.message() == null ? "" : firstLine(o.message()))});
        }
        return table(new String[] {"TARGET", "OUTCOME", "MIGRATION", "DETAIL"}, rows) + "fleet: " + r.outcomes().size()
                + " targets, " + counts(r.outcomes().stream().map(o -> o.status().code()).toList())
                + (r.complete() ? "; the change is on every target\n"
                : "; run the same command again to resume (finished targets are skipped)\n");
    }

    static Map<String, Object> json(FleetReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", r.refused() ? "refused" : r.complete() ? "succeeded"
                : r.count(TargetOutcome.Status.FAILED) > 0 ? "failed"
                : r.count(TargetOutcome.Status.SKIPPED) == r.failures().size() ? "refused" : "stopped");
        m.put("problems", r.problems().stream().map(FleetText::json).toList());
        List<Map<String, Object>> targets = new ArrayList<>();
        for (TargetOutcome o : r.outcomes()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("target", o.target().name());
            t.put("outcome", o.status().code());
            t.put("migration", o.migrationId() == 0 ? null : o.migrationId());
            t.put("reason", o.reason());
            t.put("message", o.message());
            t.put("rows_copied", o.applied() == null || o.applied().result() == null ? null
                    : o.applied().result().rowsCopied());
            targets.add(t);
        }
        m.put("targets", targets);
        return m;
    }

    static String status(FleetStatus s) {
        List<String[]> rows = new ArrayList<>();
        for (TargetStatus t : s.targets()) {
            rows.add(new String[] {t.target().name(), t.state(), t.phase() == null ? "-"
                    : t.phase().name().toLowerCase(Locale.ROOT), t.migrationId() == 0 ? "-" : String.valueOf(t.migrationId()),
                    String.format(Locale.ROOT, "%,d/%,d", t.rowsCopied(), t.estimatedRows()),
                    t.rowsPerSecond() == 0 ? "-" : String.format(Locale.ROOT, "%,d/s", t.rowsPerSecond()),
                    t.etaSeconds() == null ? "-" : seconds(t.etaSeconds()),
                    t.note() == null ? "" : firstLine(t.note())});
        }
        Long eta = s.etaSeconds();
        return table(new String[] {"TARGET", "STATE", "PHASE", "MIGRATION", "ROWS", "RATE", "ETA", "NOTE"}, rows)
                + String.format(Locale.ROOT, "fleet: %d targets, %s; copied %.0f%%", s.targets().size(),
                counts(s.targets().stream().map(TargetStatus::state).toList()), s.progress() * 100)
                + (eta == null ? "" : ", ETA " + seconds(eta) + " at the current rate") + "\n";
    }

    static Map<String, Object> json(FleetStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targets_total", s.targets().size());
        m.put("counts", s.counts());
        m.put("progress", Math.round(s.progress() * 1000) / 1000.0);
        m.put("eta_seconds", s.etaSeconds());
        m.put("complete", s.complete());
        List<Map<String, Object>> targets = new ArrayList<>();
        for (TargetStatus t : s.targets()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("target", t.target().name());
            o.put("state", t.state());
            o.put("phase", t.phase() == null ? null : t.phase().name().toLowerCase(Locale.ROOT));
            o.put("migration", t.migrationId() == 0 ? null : t.migrationId());
            o.put("rows_copied", t.rowsCopied());
            o.put("estimated_rows", t.estimatedRows());
            o.put("rows_per_second", t.rowsPerSecond());
            o.put("eta_seconds", t.etaSeconds());
            o.put("note", t.note());
            targets.add(o);
        }
        m.put("targets", targets);
        return m;
    }

    static String actions(List<FleetControl.Action> actions) {
        List<String[]> rows = new ArrayList<>();
        for (FleetControl.Action a : actions) {
            rows.add(new String[] {a.target().name(), a.outcome(), firstLine(a.detail())});
        }
        return table(new String[] {"TARGET", "OUTCOME", "DETAIL"}, rows) + "fleet: " + actions.size() + " targets, "
                + counts(actions.stream().map(FleetControl.Action::outcome).toList()) + "\n";
    }

    static Map<String, Object> json(FleetControl.Action a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", a.target().name());
        m.put("outcome", a.outcome());
        m.put("migration", a.migrationId() == 0 ? null : a.migrationId());
        m.put("detail", a.detail());
        return m;
    }

    private static String counts(List<String> states) {
        Map<String, Integer> m = new LinkedHashMap<>();
        states.forEach(s -> m.merge(s, 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(v + " " + k));
        return String.join(", ", parts);
    }

    static String seconds(long s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl) + " ...";
    }

    private static String table(String[] header, List<String[]> rows) {
        int[] widths = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            widths[c] = header[c].length();
        }
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, widths);
        rows.forEach(r -> line(sb, r, widths));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            line.append(c == cells.length - 1 ? cells[c] : String.format(Locale.ROOT, "%-" + widths[c] + "s  ",
                    cells[c]));
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
