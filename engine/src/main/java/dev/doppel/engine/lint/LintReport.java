package dev.doppel.engine.lint;

import dev.doppel.engine.OnlineSchemaChange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The lint of a set of files, as text for people, JSON for scripts and SARIF 2.1.0 for code scanning. */
public record LintReport(List<FileLint> files) {

    public List<Finding> findings() {
        return files.stream().flatMap(f -> f.findings().stream()).toList();
    }

    /** Findings at or above {@code level}: what fails a pipeline. */
    public long count(Severity level) {
        return findings().stream().filter(f -> f.severity().compareTo(level) >= 0).count();
    }

    public String toText(boolean verbose) {
        StringBuilder sb = new StringBuilder();
        for (FileLint file : files) {
            sb.append(file.file()).append('\n');
            for (StatementLint st : file.statements()) {
                if (!verbose && st.findings().isEmpty()) {
                    continue;
                }
                sb.append(String.format("  %d:%d  %s%n", st.line(), st.statement(), st.text()));
                sb.append("      lock   ").append(st.impact()).append('\n');
                if (st.sizing() != null) {
                    Sizing s = st.sizing();
                    sb.append(String.format("      size   about %,d rows, %,d MB%s%n", s.rows(), s.bytes() / (1024 * 1024),
                            s.blockingMillis() == null ? "" : "; as written about "
                                    + dev.doppel.engine.Plan.describeEstimate(s.blockingMillis()) + " under the lock"));
                    if (s.doppel() != null) {
                        sb.append("      plan   ").append(s.doppel()).append('\n');
                    }
                }
                sb.append("      apply  ").append(st.apply()).append('\n');
                for (Finding f : st.findings()) {
                    finding(sb, f);
                }
            }
            file.findings().stream().filter(f -> f.statement() == 0).forEach(f -> finding(sb, f));
            if (file.suppressed() > 0) {
                sb.append("  (").append(file.suppressed()).append(" finding").append(file.suppressed() == 1 ? "" : "s")
                        .append(" turned off by doppel:disable comments)\n");
            }
        }
        sb.append(String.format("%d error%s, %d warning%s, %d note%s in %d file%s%n", count(Severity.ERROR),
                plural(count(Severity.ERROR)), count(Severity.WARNING) - count(Severity.ERROR),
                plural(count(Severity.WARNING) - count(Severity.ERROR)), count(Severity.INFO) - count(Severity.WARNING),
                plural(count(Severity.INFO) - count(Severity.WARNING)), files.size(), plural(files.size())));
        return sb.toString();
    }

    private static void finding(StringBuilder sb, Finding f) {
        sb.append("      ").append(f.severity().label()).append(' ').append(f.rule()).append(": ").append(f.message())
                .append('\n');
        sb.append("        fix: ").append(f.fix()).append('\n');
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }

    /** The report as plain data for {@link dev.doppel.engine.report.Json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", files);
        m.put("errors", count(Severity.ERROR));
        m.put("warnings", count(Severity.WARNING) - count(Severity.ERROR));
        m.put("notes", count(Severity.INFO) - count(Severity.WARNING));
        return m;
    }

    /** SARIF 2.1.0: one run, every rule described, one result per finding located by file and line. */
    public Map<String, Object> toSarif() {
        List<Object> rules = new ArrayList<>();
        for (Rule r : Rule.values()) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("id", r.id());
            rule.put("name", r.name());
            rule.put("shortDescription", Map.of("text", r.summary()));
            rule.put("fullDescription", Map.of("text", r.summary() + ". See " + r.doc() + "."));
            rule.put("defaultConfiguration", Map.of("level", r.severity().sarifLevel()));
            rules.add(rule);
        }
        List<Object> results = new ArrayList<>();
        for (Finding f : findings()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("ruleId", f.rule());
            result.put("ruleIndex", Rule.byId(f.rule()).map(r -> Arrays.asList(Rule.values()).indexOf(r)).orElse(-1));
            result.put("level", f.severity().sarifLevel());
            result.put("message", Map.of("text", f.message() + ". Fix: " + f.fix()));
            Map<String, Object> location = new LinkedHashMap<>();
            location.put("artifactLocation", Map.of("uri", uri(f.file())));
            location.put("region", Map.of("startLine", f.line()));
            result.put("locations", List.of(Map.of("physicalLocation", location)));
            results.add(result);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "doppel");
        driver.put("version", OnlineSchemaChange.version());
        driver.put("rules", rules);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("results", results);
        Map<String, Object> sarif = new LinkedHashMap<>();
        sarif.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        sarif.put("version", "2.1.0");
        sarif.put("runs", List.of(run));
        return sarif;
    }

    /** A relative URI reference for a path: forward slashes, spaces and '%' escaped. */
    private static String uri(String path) {
        return path.replace('\\', '/').replace("%", "%25").replace(" ", "%20");
    }
}
