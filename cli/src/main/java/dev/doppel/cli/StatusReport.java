package dev.doppel.cli;

import dev.doppel.engine.MigrationStatus;
import dev.doppel.engine.Outcome;
import dev.doppel.engine.Phase;
import dev.doppel.engine.batch.DataJobs;
import dev.doppel.engine.capture.ReplicationSlot;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.PartitionCopy;
import dev.doppel.engine.throttle.ThrottleSettings;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Recorded migrations as a table, one in detail, or as JSON objects. */
final class StatusReport {

    private static final String[] HEADER = {"ID", "TABLE", "PHASE", "STATE", "ROWS", "STARTED", "UPDATED",
            "OLD TABLE", "DROP AFTER"};

    private StatusReport() {
    }

    /** One line per migration, aligned; a stopped or failed one's error on the line below it. */
    static String table(List<MigrationStatus> migrations) {
        if (migrations.isEmpty()) {
            return "no migrations recorded in this database\n";
        }
        List<String[]> rows = new ArrayList<>();
        for (MigrationStatus m : migrations) {
            MigrationRecord r = m.record();
            rows.add(new String[] {String.valueOf(r.id()), r.tableName(), phase(r), m.state(),
                    String.format(Locale.ROOT, "%,d", r.rowsCopied()), time(r.startedAt()), time(r.updatedAt()),
                    orDash(r.oldTable()), orDash(time(r.dropAfter()))});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(Math.max(widths[c], HEADER[c].length()), row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, HEADER, widths);
        for (int i = 0; i < rows.size(); i++) {
            line(sb, rows.get(i), widths);
            String error = shownError(migrations.get(i));
            if (error != null) {
                sb.append(" ".repeat(widths[0] + 2)).append("error: ").append(error).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Every doppel replication slot on the server (logical capture): each keeps WAL until it is read or dropped,
     * so even one whose migration is gone (another database, a state table dropped by hand) is shown.
     */
    static String slots(List<ReplicationSlot> slots) {
        if (slots.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\nreplication slots:\n");
        for (ReplicationSlot slot : slots) {
            sb.append("  ").append(slot.describe()).append(", database oid ").append(slot.database()).append('\n');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            line.append(String.format(Locale.ROOT, "%-" + widths[c] + "s  ", cells[c]));
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    static String detail(MigrationStatus m) {
        MigrationRecord r = m.record();
        StringBuilder sb = new StringBuilder();
        RunReport.row(sb, "migration", r.id() + " of " + r.tableName());
        RunReport.row(sb, "change", r.change());
        RunReport.row(sb, "state", m.state() + switch (m.state()) {
            case "running" -> " (backend pid " + r.pid() + ")";
            case "stopped" -> ": no doppel process holds it; `doppel resume " + r.id() + "` goes on, `doppel abort "
                    + r.id() + "` removes what it created";
            default -> "";
        });
        RunReport.row(sb, "phase", phase(r));
        RunReport.row(sb, "capture", r.capture() + (r.slot() == null ? "" : m.slot() == null
                ? ", slot " + r.slot() + " dropped" : ", slot " + m.slot().describe()));
        RunReport.row(sb, DataJobs.isJob(r) ? "rows changed" : "rows copied", copied(r));
        if (!m.partitions().isEmpty()) {
            RunReport.row(sb, "partitions", partitions(m.partitions()));
        }
        if (m.backlog() >= 0) {
            RunReport.row(sb, "backlog", String.format(Locale.ROOT, "%,d logged changes to re-sync", m.backlog()));
        }
        String throttling = throttling(r.throttle());
        if (throttling != null) {
            RunReport.row(sb, "throttling", throttling);
        }
        if (!r.finished()) {
            RunReport.row(sb, "control", control(r));
            RunReport.row(sb, "throttle", r.throttleReason() == null ? "not held"
                    : "held since " + time(r.throttledSince()) + ": " + r.throttleReason());
        }
        RunReport.row(sb, "started", time(r.startedAt()));
        RunReport.row(sb, "updated", time(r.updatedAt()));
        if (r.oldTable() != null) {
            RunReport.row(sb, "old table", r.oldTable() + (r.dropAfter() == null ? ""
                    : " kept; `doppel cleanup` drops it after " + time(r.dropAfter())));
        }
        String revert = revert(m);
        if (revert != null) {
            RunReport.row(sb, "revert", revert);
        }
        if (m.revertable()) {
            RunReport.row(sb, "revert log", String.format(Locale.ROOT, "%,d writes since the swap not yet applied to"
                    + " the old table", m.revertBacklog()));
        }
        if (shownError(m) != null) {
            RunReport.row(sb, "error", r.error());
        }
        return sb.toString();
    }

    /** Whether a swapped migration can still be reverted, and until when; null before the swap. */
    private static String revert(MigrationStatus m) {
        MigrationRecord r = m.record();
        if (m.revertable()) {
            return "revertable until " + time(r.dropAfter()) + ": `doppel revert " + r.id() + "` puts the old table"
                    + " back with every write made since the swap";
        }
        if (r.revertable()) {
            return "not possible: no writes were logged for it since the swap (no revert log doppel.revert_log_"
                    + r.tableOid() + "; a migration made by an earlier doppel, or the log was removed by hand); the"
                    + " old table is a snapshot of the rows at the swap";
        }
        if (r.outcome() == Outcome.SUCCEEDED && r.revertRefusal() != null) {
            return "not possible: " + r.revertRefusal();
        }
        return r.outcome() == Outcome.REVERTED ? "reverted: the old table is back; the new one is kept as "
                + r.oldTable() : null;
    }

    static Map<String, Object> json(MigrationStatus m) {
        MigrationRecord r = m.record();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", r.id());
        o.put("table", r.tableName());
        o.put("change", r.change());
        o.put("phase", phase(r));
        o.put("state", m.state());
        o.put("outcome", r.outcome());
        o.put("rows_copied", r.rowsCopied());
        o.put("started_at", instant(r.startedAt()));
        o.put("updated_at", instant(r.updatedAt()));
        o.put("old_table", r.oldTable());
        o.put("drop_after", instant(r.dropAfter()));
        o.put("revertable", m.revertable());
        o.put("revert_backlog", m.revertable() ? m.revertBacklog() : null);
        o.put("revert_refusal", r.revertRefusal());
        o.put("error", r.error());
        o.put("pid", r.pid());
        o.put("estimated_rows", r.estimatedRows());
        o.put("copy_rate", r.copyRate());
        o.put("partitions", m.partitions().stream().map(StatusReport::json).toList());
        o.put("backlog", m.backlog() < 0 ? null : m.backlog());
        o.put("capture", r.capture());
        o.put("slot", m.slot() == null ? null : m.slot().name());
        o.put("slot_retained_wal_bytes", m.slot() == null ? null : m.slot().retainedBytes());
        o.put("paused", r.control().paused());
        o.put("max_rows_per_second", r.control().maxRowsPerSecond());
        o.put("cutover_postponed", r.control().cutoverPostponed());
        o.put("control_seen_at", instant(r.controlSeenAt()));
        o.put("limits", r.control().limits().isEmpty() ? null : ThrottleSettings.formatLimits(r.control().limits()));
        ThrottleSettings t = r.throttle();
        o.put("throttle_limits", t.limits().isEmpty() ? null : ThrottleSettings.formatLimits(t.limits()));
        o.put("throttle_replicas", t.replicas());
        o.put("throttle_probe", t.probe());
        o.put("throttle_on_critical", t.onCritical() == null ? null : t.onCritical().name().toLowerCase(Locale.ROOT));
        o.put("throttle_critical_pause_ms", t.criticalPause() == null ? null : t.criticalPause().toMillis());
        o.put("throttle_reason", r.throttleReason());
        o.put("throttled_since", instant(r.throttledSince()));
        return o;
    }

    /**
     * A partitioned table's copy, leaf by leaf: how many are copied, and the one being copied with its rows so far
     * and the last key copied.
     */
    private static String partitions(List<PartitionCopy> partitions) {
        long copied = partitions.stream().filter(p -> p.state() == PartitionCopy.State.COPIED).count();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d of %d copied", copied, partitions.size()));
        partitions.stream().filter(p -> p.state() == PartitionCopy.State.COPYING).findFirst().ifPresent(p ->
                sb.append(String.format(Locale.ROOT, "; in %s (%d of %d): %,d rows%s", p.partition(), p.position(),
                        partitions.size(), p.rowsCopied(), p.checkpoint() == null ? ""
                                : ", after key " + String.join(", ", p.checkpoint()))));
        return sb.toString();
    }

    private static Map<String, Object> json(PartitionCopy p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("partition", p.partition());
        o.put("position", p.position());
        o.put("state", p.state().word());
        o.put("rows_copied", p.rowsCopied());
        o.put("checkpoint", p.checkpoint());
        o.put("end_key", p.endKey());
        return o;
    }

    /** Rows copied and, while copying, the share of the estimate, the rate and the time left at that rate. */
    private static String copied(MigrationRecord r) {
        String rows = String.format(Locale.ROOT, "%,d", r.rowsCopied());
        if (r.phase() != Phase.COPY || r.finished() || r.copyRate() <= 0 || r.estimatedRows() <= 0) {
            return rows;
        }
        long left = Math.max(0, r.estimatedRows() - r.rowsCopied());
        return rows + String.format(Locale.ROOT, " of about %,d (%d%%) at %,d rows/s; about %s left", r.estimatedRows(),
                Math.min(100, r.rowsCopied() * 100 / r.estimatedRows()), r.copyRate(),
                Progress.clock(left / r.copyRate()));
    }

    /**
     * The throttle recorded with the migration, which a resume uses unless given flags: limits in base units,
     * replicas (recorded without passwords), the probe and the critical action; null when it has none.
     */
    private static String throttling(ThrottleSettings t) {
        List<String> parts = new ArrayList<>();
        if (!t.limits().isEmpty()) {
            parts.add("limits " + ThrottleSettings.formatLimits(t.limits()));
        }
        if (!t.replicas().isEmpty()) {
            parts.add("replicas " + String.join(" ", t.replicas()));
        }
        if (t.probe() != null) {
            parts.add("probe " + t.probe());
        }
        if (t.limits().values().stream().anyMatch(l -> l.critical() > 0)) {
            parts.add(t.onCritical() == ThrottleSettings.Critical.ABORT ? "at critical: stop (resumable)"
                    : "at critical: pause " + Durations.format(t.pause()));
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /** The operator's settings, and when the running process last read them (its acknowledgement). */
    private static String control(MigrationRecord r) {
        List<String> parts = new ArrayList<>();
        parts.add(r.control().paused() ? "paused" : "copying");
        parts.add(r.control().maxRowsPerSecond() == null ? "rate as started"
                : "rate cap " + r.control().maxRowsPerSecond() + " rows/s");
        if (!r.control().limits().isEmpty()) {
            parts.add("limits " + ThrottleSettings.formatLimits(r.control().limits()) + " (others as started)");
        }
        if (r.control().cutoverPostponed()) {
            parts.add("cut-over postponed: `doppel cutover " + r.id() + "` releases it");
        }
        return String.join(", ", parts) + (r.controlSeenAt() == null ? "; not read yet"
                : "; last read by doppel " + time(r.controlSeenAt()));
    }

    /** A running migration's error, if any, is from an earlier stop it is being resumed from: stale, so not shown. */
    private static String shownError(MigrationStatus m) {
        return m.running() && !m.record().finished() ? null : m.record().error();
    }

    private static String phase(MigrationRecord r) {
        return r.phase().name().toLowerCase(Locale.ROOT);
    }

    private static String time(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String instant(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
