package dev.doppel.cli;

import dev.doppel.engine.lint.FileLint;
import dev.doppel.engine.lint.LintReport;
import dev.doppel.engine.lint.Linter;
import dev.doppel.engine.lint.Severity;
import dev.doppel.engine.report.Json;
import dev.doppel.engine.script.SqlScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code doppel lint}: the engine's lint of migration files, printed; exits 7 on findings a pipeline should stop on. */
@Command(name = "lint", versionProvider = VersionProvider.class, sortOptions = false,
        description = "Check SQL migration files without running them: per statement, the lock PostgreSQL takes, on"
                + " what, whether it rewrites, scans or touches only the catalog, and the safer form. Offline unless"
                + " connection flags are given; then it adds table sizes, row estimates and doppel's plan with its"
                + " time estimates. Rules are listed in docs/lint-rules.md; turn one off for a statement with a"
                + " comment `-- doppel:disable RULE` before it (or at the end of its line), for a file with"
                + " `-- doppel:disable-file RULE`.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.LINT_OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.REFUSED_UNCHANGED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.FINDINGS_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel lint db/migration/*.sql",
                "  doppel lint --format sarif db/migration/*.sql > doppel.sarif     for code scanning",
                "  doppel lint -h db.internal -d shop -U app V7__orders.sql        with sizes and estimates"})
final class LintCommand implements Callable<Integer> {

    enum Format { text, json, sarif }

    enum FailOn { error, warning, info, never }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "SQL migration files, linted in the order given.")
    List<Path> files;

    @Option(names = "--format", paramLabel = "text|json|sarif", defaultValue = "text",
            description = "Output: text (default), json, or sarif (SARIF 2.1.0 for code scanning).")
    Format format;

    @Option(names = "--json", description = "The same as --format json.")
    boolean json;

    @Option(names = "--fail-on", paramLabel = "error|warning|info|never", defaultValue = "error",
            description = "Exit 7 when a finding is at least this severe (default: error).")
    FailOn failOn;

    @Option(names = "--single-transaction", description = "Each file runs in one transaction (psql -1, Flyway's"
            + " default), so locks are held to the end of the file, not only inside its BEGIN ... COMMIT.")
    boolean singleTransaction;

    @Option(names = {"-v", "--verbose"}, description = "Show every statement's lock, not only those with findings.")
    boolean verbose;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        Format chosen = json ? Format.json : format;
        return Reply.judged(spec, chosen != Format.text, () -> {
            Linter linter = new Linter(singleTransaction, connection.given() ? connection.dataSource() : null);
            List<FileLint> results = new ArrayList<>();
            for (Path file : files) {
                results.add(linter.lint(file.toString(), SqlScript.readText(file)));
            }
            LintReport report = new LintReport(results);
            String out = switch (chosen) {
                case text -> report.toText(verbose);
                case json -> Json.compact(report.toJson()) + "\n";
                case sarif -> Json.pretty(report.toSarif());
            };
            boolean fails = failOn != FailOn.never
                    && report.count(Severity.valueOf(failOn.name().toUpperCase(Locale.ROOT))) > 0;
            return new Reply.Shown(out, fails ? ExitCodes.FINDINGS : ExitCodes.OK);
        });
    }
}
