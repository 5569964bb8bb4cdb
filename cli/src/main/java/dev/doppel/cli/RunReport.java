package dev.doppel.cli;

import dev.doppel.engine.Outcome;
import dev.doppel.engine.Applied;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Plan;
import dev.doppel.engine.Result;
import dev.doppel.engine.verify.VerifyResult;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A finished migration's summary, as text for people and as a JSON object for scripts. */
final class RunReport {

    /** Resuming after the verification, the engine goes on without verifying again: say so, not "--no-verify". */
    static final String RESUMED_UNVERIFIED = "NO, not in this resume: it went on after the verification, or"
            + " --no-verify was given";

    private RunReport() {
    }

    static String text(Result r) {
        return text(r, "NO: verification was turned off (--no-verify)");
    }

    /** @param unverified what to say when the result has no verification: why it may be missing */
    static String text(Result r, String unverified) {
        StringBuilder sb = new StringBuilder();
        row(sb, "outcome", r.outcome() + " (migration " + r.migrationId() + " of " + r.table() + ")");
        if (r.strategy() == Plan.Strategy.IN_PLACE) {
            row(sb, "strategy", "in place: PostgreSQL changed only the catalog; nothing was copied");
            r.locks().forEach(lock -> row(sb, "lock held", String.format(Locale.ROOT, "%s: %d ms (%d attempt%s)",
                    lock.what(), lock.millis(), lock.attempts(), lock.attempts() == 1 ? "" : "s")));
            return sb.toString();
        }
        row(sb, "strategy", "rewrite through a shadow table");
        row(sb, "rows copied", String.format(Locale.ROOT, "%,d at %,d rows/s; %,d changes replayed", r.rowsCopied(),
                Math.round(r.rowsPerSecond()), r.changesReplayed()));
        List<String> phases = new ArrayList<>();
        r.phaseMillis().forEach((p, ms) -> phases.add(name(p) + " " + millis(ms)));
        row(sb, "phases", String.join(", ", phases) + "; total " + millis(r.totalMillis()));
        for (Result.LockHeld lock : r.locks()) {
            row(sb, "lock held", String.format(Locale.ROOT, "%s: %d ms (%d attempt%s)", lock.what(), lock.millis(),
                    lock.attempts(), lock.attempts() == 1 ? "" : "s"));
        }
        VerifyResult v = r.verify();
        row(sb, "verified", v == null ? unverified
                : String.format(Locale.ROOT, "%,d source rows, %,d shadow rows, digests equal; %,d keys with pending"
                        + " changes left out; %s", v.sourceRows(), v.shadowRows(), v.pendingKeysExcluded(),
                millis(v.millis())));
        row(sb, "old table", r.oldTable() == null ? "dropped"
                : r.oldTable() + " kept; `doppel cleanup` drops it after "
                        + r.dropAfter().truncatedTo(ChronoUnit.SECONDS));
        for (String w : r.warnings()) {
            row(sb, "warning", w);
        }
        return sb.toString();
    }

    /** {@code run}'s report: which it was (started, resumed, already done), then the result. */
    static String text(Applied a) {
        return switch (a.how()) {
            case STARTED -> text(a.result());
            case RESUMED -> {
                StringBuilder sb = new StringBuilder();
                row(sb, "resumed", "migration " + a.migrationId() + ", an unfinished run of the same change, went on"
                        + " where it stopped");
                yield sb + text(a.result(), RESUMED_UNVERIFIED);
            }
            case ALREADY_DONE -> {
                StringBuilder sb = new StringBuilder();
                row(sb, "outcome", "already done (migration " + a.migrationId() + " of " + a.table() + ")");
                row(sb, "change", a.change());
                row(sb, "nothing done", "migration " + a.migrationId() + " made this change and the table still has"
                        + " the definition it left");
                yield sb.toString();
            }
        };
    }

    /** As {@link #json(Result)}, plus "run": started, resumed or already_done (then without the run's figures). */
    static Map<String, Object> json(Applied a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", a.how().name().toLowerCase(Locale.ROOT));
        if (a.result() != null) {
            m.putAll(json(a.result()));
            return m;
        }
        m.put("outcome", Outcome.SUCCEEDED);
        m.put("migration_id", a.migrationId());
        m.put("table", a.table());
        m.put("change", a.change());
        return m;
    }

    static Map<String, Object> json(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", r.outcome());
        m.put("migration_id", r.migrationId());
        m.put("table", r.table());
        m.put("strategy", r.strategy().name().toLowerCase());
        m.put("rows_copied", r.rowsCopied());
        m.put("rows_per_second", Math.round(r.rowsPerSecond()));
        m.put("changes_replayed", r.changesReplayed());
        m.put("total_ms", r.totalMillis());
        Map<String, Object> phases = new LinkedHashMap<>();
        r.phaseMillis().forEach((p, ms) -> phases.put(name(p), ms));
        m.put("phase_ms", phases);
        m.put("locks", r.locks().stream().map(l -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("what", l.what());
            o.put("held_ms", l.millis());
            o.put("attempts", l.attempts());
            return o;
        }).toList());
        VerifyResult v = r.verify();
        if (v == null) {
            m.put("verify", null);
        } else {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("source_rows", v.sourceRows());
            o.put("shadow_rows", v.shadowRows());
            o.put("pending_keys_excluded", v.pendingKeysExcluded());
            o.put("ms", v.millis());
            m.put("verify", o);
        }
        m.put("old_table", r.oldTable());
        m.put("drop_after", r.dropAfter() == null ? null : r.dropAfter().toString());
        m.put("warnings", r.warnings());
        return m;
    }

    /** Two columns, the label padded so the values line up. */
    static void row(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "%-15s%s%n", label, value));
    }

    private static String name(Phase p) {
        return p.name().toLowerCase(Locale.ROOT);
    }

    private static String millis(long ms) {
        return ms < 10_000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
