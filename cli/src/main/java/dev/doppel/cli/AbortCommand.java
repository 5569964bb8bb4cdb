package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.Options;
import dev.doppel.engine.batch.DataJobs;
import dev.doppel.engine.batch.JobResult;
import dev.doppel.engine.report.Json;
import dev.doppel.engine.state.MigrationRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code doppel abort}: the engine removes what a migration created, and this says what became of it. */
@Command(name = "abort", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = {"Give up a migration that has not swapped: remove its capture (trigger, or slot and"
                + " publication), change log and shadow table. The table keeps its definition and every write made meanwhile. Dropping the trigger locks"
                + " the table briefly, in short attempts (--lock-timeout, --lock-attempts). For a"
                + " data job: end it; the rows its batches changed stay changed, and the report says how many.",
                "%nErrors name a reason: migration_not_found (no migration with that id), already_swapped (the new"
                        + " table is in place; there is nothing to abort), already_running (a doppel process holds"
                        + " it; stop that process first), lock_timeout (the table stayed locked by others)."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE, ExitCodes.STOPPED_LINE, ExitCodes.RUNNING_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel abort -h db.internal -d shop -U app 42",
                "  doppel abort -d shop 42 --lock-timeout 200ms --json"})
final class AbortCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<id>", description = "The migration's id, as `doppel status` lists it.")
    long id;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    LockOptions locks;

    @Option(names = "--json", description = "Print the migration's id, table and outcome, or the error, as one JSON"
            + " object on stdout.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    @Override
    public Integer call() {
        Options options = locks.applyTo(Options.defaults());
        return Reply.of(spec, json, () -> {
            DataJobs jobs = DataJobs.on(connection.dataSource()).options(options);
            if (jobs.isJob(id)) {
                JobResult job = jobs.abort(id);
                return json ? Json.compact(JobReport.json(job)) + "\n"
                        : String.format(Locale.ROOT, "job %d on %s is %s: the %,d rows its batches changed stay"
                        + " changed%n", job.jobId(), job.table(), job.outcome(), job.rowsChanged());
            }
            Migrations migrations = Migrations.on(connection.dataSource()).options(options);
            List<String> removed = migrations.abort(id);
            // Read back rather than assume "aborted": a migration that had already failed keeps that outcome.
            MigrationRecord r = migrations.get(id);
            return json ? Json.compact(json(r, removed)) + "\n"
                    : "migration " + r.id() + " of " + r.tableName() + " is " + r.outcome() + ": "
                            + (removed.isEmpty() ? "doppel had nothing left on the server"
                            : "removed " + String.join(", ", removed)) + "; " + r.tableName() + " keeps its"
                            + " definition and every write made meanwhile\n";
        });
    }

    private static Map<String, Object> json(MigrationRecord r, List<String> removed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("migration_id", r.id());
        m.put("table", r.tableName());
        m.put("outcome", r.outcome());
        m.put("removed", removed);
        return m;
    }
}
