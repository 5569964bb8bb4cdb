package dev.doppel.cli;

import dev.doppel.engine.Options;
import dev.doppel.engine.batch.DataJob;
import dev.doppel.engine.batch.JobResult;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/**
 * {@code doppel update|delete|move}: the engine's data job, planned with {@code --plan} or run, with progress on
 * stderr and the summary on stdout. Running the same command again goes on with an unfinished run.
 */
abstract class JobCommand implements Callable<Integer> {

    static final String DESCRIPTION = "%nEach batch is one short transaction over the next keys of the table's"
            + " primary key (sized to --batch-time), with --lock-timeout on the row locks it waits for, retried on"
            + " a lock timeout, deadlock or serialization failure; the rows of its range are judged by the predicate"
            + " as they are at that moment, and the checkpoint commits with them. The throttle (--limit, --probe,"
            + " --max-rows-per-second) and `doppel pause|unpause|throttle ID` hold it between batches; Ctrl-C"
            + " stops it at the next batch boundary (exit 5). Running the same command again, or `doppel resume"
            + " ID`, goes on from the checkpoint; once it succeeded, the same command reports it done (exit 0)"
            + " unless --again is given. `doppel abort ID` ends a stopped job: its changes stay.";
    static final String ERRORS = "%nErrors name a reason: invalid_job (PostgreSQL rejects the SET list or the"
            + " predicate, or the archive's columns do not match; nothing changed), no_usable_key, table_not_found,"
            + " already_running (a doppel process works on the table), batch_failed (a batch failed on the data;"
            + " the batches before it stay done), stopped (resumable).";

    @Spec
    CommandSpec spec;

    @Option(names = "--table", required = true, paramLabel = "<table>", description = "The table, as SQL names it:"
            + " orders, public.orders, '\"Order Items\"'.")
    String table;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    LockOptions locks;

    @Mixin
    JobOptions job;

    @Mixin
    ThrottleOptions throttle;

    @Option(names = "--json", description = "Print the report (or the plan), or the error, as one JSON object on"
            + " stdout.")
    boolean json;

    @Option(names = "--metrics-port", paramLabel = "<port>", description = "Serve the job's metrics in Prometheus"
            + " format at http://127.0.0.1:<port>/metrics while it runs.")
    Integer metricsPort;

    @Mixin
    PsqlStyleHelp help;

    /** The job the command names. */
    abstract DataJob.Builder job();

    @Override
    public Integer call() {
        Options options = throttle.applyTo(job.applyTo(locks.applyTo(Options.defaults())));
        PrintWriter err = spec.commandLine().getErr();
        return Reply.of(spec, json, () -> {
            DataSource ds = connection.dataSource();
            DataJob.Builder builder = job().dataSource(ds).options(options).vacuumEvery(job.vacuumEvery)
                    .again(job.again);
            if (job.plan) {
                return JobReport.text(builder.build().plan(job.exactCount), json);
            }
            try (Interrupts stop = Interrupts.install(err)) {
                builder.listener(Progress.on(err, "batches"));
                JobResult result;
                if (metricsPort == null) {
                    result = builder.build().run();
                } else {
                    try (MetricsEndpoint metrics = endpoint()) {
                        result = builder.meterRegistry(metrics.registry()).build().run();
                    }
                }
                return json ? Json.compact(JobReport.json(result)) + "\n" : JobReport.text(result);
            }
        });
    }

    private MetricsEndpoint endpoint() {
        try {
            return new MetricsEndpoint(metricsPort);
        } catch (UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
