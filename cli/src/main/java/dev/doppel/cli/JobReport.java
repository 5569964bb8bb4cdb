package dev.doppel.cli;

import dev.doppel.engine.batch.JobPlan;
import dev.doppel.engine.batch.JobResult;
import dev.doppel.engine.report.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A data job's summary or plan, as text for people and as a JSON object for scripts. */
final class JobReport {

    private JobReport() {
    }

    static String text(JobResult r) {
        StringBuilder sb = new StringBuilder();
        String how = switch (r.how()) {
            case STARTED -> "";
            case RESUMED -> ", resumed from its checkpoint";
            case ALREADY_DONE -> ": it was already done; nothing was changed now (--again starts it anew)";
            case ABORTED -> "";
        };
        RunReport.row(sb, "outcome", r.outcome() + " (job " + r.jobId() + " on " + r.table() + how + ")");
        RunReport.row(sb, "job", r.job());
        RunReport.row(sb, "rows changed", String.format(Locale.ROOT, "%,d", r.rowsChanged())
                + (r.rowsBefore() > 0 && r.how() != JobResult.How.ALREADY_DONE
                ? String.format(Locale.ROOT, " (%,d of them by earlier runs)", r.rowsBefore()) : ""));
        RunReport.row(sb, "keys examined", String.format(Locale.ROOT, "%,d in %,d batches", r.rowsExamined(),
                r.batches()));
        if (r.how() == JobResult.How.STARTED || r.how() == JobResult.How.RESUMED) {
            RunReport.row(sb, "time", millis(r.millis()) + (r.vacuums() > 0 ? ", " + r.vacuums() + " VACUUMs" : ""));
        }
        return sb.toString();
    }

    static Map<String, Object> json(JobResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job_id", r.jobId());
        m.put("table", r.table());
        m.put("job", r.job());
        m.put("how", r.how().name().toLowerCase(Locale.ROOT));
        m.put("outcome", r.outcome());
        m.put("rows_changed", r.rowsChanged());
        m.put("rows_changed_before", r.rowsBefore());
        m.put("keys_examined", r.rowsExamined());
        m.put("batches", r.batches());
        m.put("vacuums", r.vacuums());
        m.put("millis", r.millis());
        return m;
    }

    static String text(JobPlan p, boolean json) {
        if (json) {
            return Json.compact(Json.fields(p)) + "\n";
        }
        StringBuilder sb = new StringBuilder();
        RunReport.row(sb, "table", p.table() + ", key " + String.join(", ", p.key()));
        RunReport.row(sb, "job", p.job());
        RunReport.row(sb, "matching rows", String.format(Locale.ROOT, "about %,d (planner's estimate)",
                p.estimatedRows()) + (p.exactRows() == null ? "; --exact-count counts them"
                : String.format(Locale.ROOT, "; %,d counted", p.exactRows())));
        RunReport.row(sb, "batches", String.format(Locale.ROOT, "about %,d of %,d keys over %,d rows",
                p.batches(), p.batchRows(), p.tableRows()));
        RunReport.row(sb, "sample", String.format(Locale.ROOT, "%,d keys, %,d rows changed, rolled back",
                p.sampleRows(), p.sampleChanged()));
        RunReport.row(sb, "expected", (p.sampleRows() == 0 ? "time unknown" : "about " + millis(p.expectedMillis())
                + " unthrottled") + ", " + (p.expectedWalBytes() < 0 ? "WAL unknown (the sample changed no row)"
                : String.format(Locale.ROOT, "about %,d MB of WAL", p.expectedWalBytes() / (1024 * 1024))));
        list(sb, "triggers", p.triggers(), "none fire");
        list(sb, "foreign keys", p.foreignKeys(), "none reached");
        list(sb, "indexes", p.predicateIndexes(), "none on the predicate's columns");
        list(sb, "batch plan", p.batchPlan(), "");
        for (String w : p.warnings()) {
            RunReport.row(sb, "warning", w);
        }
        return sb.toString();
    }

    private static void list(StringBuilder sb, String label, List<String> items, String none) {
        if (items.isEmpty()) {
            RunReport.row(sb, label, none);
        }
        for (int i = 0; i < items.size(); i++) {
            RunReport.row(sb, i == 0 ? label : "", items.get(i));
        }
    }

    private static String millis(long ms) {
        return ms < 10_000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
