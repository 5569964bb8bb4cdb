package dev.doppel.cli;

import dev.doppel.engine.Options;
import dev.doppel.engine.apply.ApplyListener;
import dev.doppel.engine.apply.ApplyPlan;
import dev.doppel.engine.apply.ApplyResult;
import dev.doppel.engine.apply.ApplyStep;
import dev.doppel.engine.apply.ScriptApplier;
import dev.doppel.engine.report.Json;
import dev.doppel.engine.script.SqlScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code doppel apply}: runs migration files through the engine's applier, one after the other. */
@Command(name = "apply", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = "Run SQL migration files with each statement made online: ALTER TABLE through doppel's planner"
                + " (in place, or through a shadow table), CREATE INDEX and DROP INDEX CONCURRENTLY (an invalid index"
                + " left by a failure is dropped), checks and foreign keys NOT VALID then VALIDATE, everything else as"
                + " written under a short lock_timeout with retries. Progress is recorded per file and statement in"
                + " the doppel schema: a re-run after a failure or a kill goes on from the statement that did not"
                + " finish, a re-run after success does nothing. A BEGIN ... COMMIT holding a statement made online"
                + " cannot be kept, and is refused unless --split-transactions.",
        footerHeading = "%nErrors name a reason: transaction_split_needed (a BEGIN ... COMMIT holds a statement made"
                + " online: --split-transactions), unsupported_statement (a psql meta-command, a ROLLBACK, an"
                + " unclosed BEGIN), script_changed (statements already applied differ from the file: put the"
                + " change in a new file), unparsable_sql, file_unreadable, already_running (another apply runs"
                + " the file), statement_failed (PostgreSQL's error, with the file and line: fix it and apply again"
                + " to go on from it), or a reason of run for an ALTER TABLE.%n%nExamples:%n",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.DONE_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE, ExitCodes.STOPPED_LINE, ExitCodes.RUNNING_LINE},
        footer = {"  doppel apply -d shop --dry-run V7__orders_total_to_cents.sql",
                "  doppel apply -d shop db/migration/V7__orders.sql db/migration/V8__index.sql",
                "  doppel apply -d shop --split-transactions legacy.sql"})
final class ApplyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "SQL migration files, applied in the order given."
            + " Each is recorded under its file name (without directories).")
    List<Path> files;

    @Option(names = "--dry-run", description = "Show how each statement would be made and what earlier runs did;"
            + " change nothing.")
    boolean dryRun;

    @Option(names = "--split-transactions", description = "Run the statements of a BEGIN ... COMMIT that holds a"
            + " statement made online each on its own, instead of refusing the file.")
    boolean split;

    @Option(names = "--json", description = "Print the plan or the results, or the error, as JSON on stdout.")
    boolean json;

    @Option(names = "--name", paramLabel = "<name>", description = "Record the file under this name instead of its"
            + " file name (one file only), e.g. to apply the same file to several schemas (set with PGOPTIONS or"
            + " --url's currentSchema) each on its own record.")
    String name;

    @Mixin
    LockOptions locks;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ScriptApplier applier = new ScriptApplier(connection.dataSource(), locks.applyTo(Options.defaults()))
                .listener(new Lines(err)).migrationListener(Progress.on(err));
        if (name != null && files.size() > 1) {
            throw new ParameterException(spec.commandLine(), "--name names one file; give one file with it");
        }
        try (Interrupts stop = Interrupts.install(err)) {
            return Reply.of(spec, json, () -> {
                List<Object> reports = new ArrayList<>();
                StringBuilder text = new StringBuilder();
                for (Path file : files) {
                    SqlScript script = SqlScript.parse(name != null ? name : file.getFileName().toString(),
                            SqlScript.readText(file));
                    if (dryRun) {
                        ApplyPlan plan = applier.plan(script, split);
                        reports.add(plan);
                        text.append(plan.toText());
                    } else {
                        ApplyResult result = applier.apply(script, split);
                        reports.add(result);
                        text.append(describe(result)).append('\n');
                    }
                }
                return json ? Json.compact(reports) + "\n" : text.toString();
            });
        }
    }

    private static String describe(ApplyResult r) {
        return switch (r.how()) {
            case ALREADY_DONE -> r.script() + ": already applied; nothing done";
            case STARTED -> r.script() + ": applied " + r.ran() + " statements"
                    + (r.migrations().isEmpty() ? "" : " (doppel migrations " + r.migrations() + ")");
            case RESUMED -> r.script() + ": resumed; applied " + r.ran() + " statements, " + r.skipped()
                    + " were done before" + (r.migrations().isEmpty() ? "" : " (doppel migrations " + r.migrations()
                    + ")");
        };
    }

    /** One progress line per statement on stderr. */
    private record Lines(PrintWriter err) implements ApplyListener {

        @Override
        public void starting(ApplyStep step, int index, int total) {
            err.printf("[%d/%d] line %d: %s%n        %s%n", index, total, step.line(), step.text(), step.how());
            err.flush();
        }

        @Override
        public void done(ApplyStep step, long millis) {
            err.printf("        done in %d ms%n", millis);
            err.flush();
        }

        @Override
        public void retrying(ApplyStep step, int attempt, String why) {
            err.printf("        attempt %d failed (%s); trying again%n", attempt, why);
            err.flush();
        }
    }
}
