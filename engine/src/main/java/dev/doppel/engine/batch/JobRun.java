package dev.doppel.engine.batch;

import dev.doppel.engine.Reason;
import dev.doppel.engine.Outcome;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.sql.AdvisoryLock;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.OperatorRequests;
import dev.doppel.engine.state.JobStore;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;
import dev.doppel.engine.throttle.ThrottleSettings;
import dev.doppel.engine.throttle.Throttler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Starts, resumes and aborts data jobs. A job holds its table's advisory lock while it runs, the one a migration
 * of the table holds, so that one doppel process at a time works on a table; its row in {@code doppel.migrations}
 * gives it the operator's controls, `status` and the same id space as migrations.
 */
final class JobRun {

    private static final Logger log = LoggerFactory.getLogger(JobRun.class);

    private final DataSource dataSource;
    private final Options options;
    private final MigrationListener listener;
    private final int vacuumEvery;

    JobRun(DataSource dataSource, Options options, MigrationListener listener, int vacuumEvery) {
        this.dataSource = dataSource;
        this.options = options;
        this.listener = listener;
        this.vacuumEvery = vacuumEvery;
    }

    /** The sessions a job works through: state and control, the batches, the throttle's signals. */
    private record Sessions(Session control, Session worker, Session signals) implements AutoCloseable {
        static Sessions open(DataSource ds) throws SQLException {
            Session control = Session.open(ds, "control");
            try {
                Session worker = Session.open(ds, "worker");
                try {
                    return new Sessions(control, worker, Session.open(ds, "throttle"));
                } catch (SQLException e) {
                    worker.close();
                    throw e;
                }
            } catch (SQLException e) {
                control.close();
                throw e;
            }
        }

        @Override
        public void close() throws SQLException {
            try (Session a = control; Session b = worker; Session c = signals) {
                // Each is closed, in reverse order, even when closing another fails.
            }
        }
    }

    JobPlan plan(JobSpec spec, boolean exactCount) throws SQLException {
        try (Session s = Session.open(dataSource, "plan")) {
            return JobPreflight.plan(s, JobPreflight.prepare(s, spec), options, exactCount);
        }
    }

    /**
     * Runs the job: goes on with an unfinished run of the same job on the same table, reports one that succeeded
     * as done (unless {@code again}), and otherwise starts it.
     */
    JobResult start(JobSpec spec, boolean again) throws SQLException {
        try (Sessions s = Sessions.open(dataSource)) {
            listener.phase(Phase.PREFLIGHT, "checking " + spec.text() + " on " + spec.table());
            JobPreflight.Prepared p = JobPreflight.prepare(s.control(), spec);
            MigrationStore store = new MigrationStore(s.control());
            JobStore jobs = new JobStore(s.control());
            MigrationRecord earlier = store.latestOf(p.table().oid(), p.table().qualified(), spec.hash());
            if (earlier != null && !earlier.finished()) {
                log.info("job {}: going on with the unfinished run of {} on {}", earlier.id(), spec.text(),
                        p.table().display());
                return proceed(s, p, earlier, jobs.load(earlier.id()), JobResult.How.RESUMED);
            }
            if (earlier != null && earlier.outcome() == Outcome.SUCCEEDED && !again) {
                log.info("job {} already did {} on {}; nothing to do", earlier.id(), spec.text(), p.table().display());
                return done(earlier, jobs.load(earlier.id()));
            }
            store.ensureSchema();
            jobs.ensureSchema();
            ObjectNames names = new ObjectNames(p.table().oid());
            hold(s.control(), names, p.table().display());
            try {
                long id = store.start(p.table(), spec.text(), spec.hash(), options.toString(),
                        OnlineSchemaChange.version(), JobStore.CAPTURE, null);
                jobs.create(new JobStore.Job(id, spec.kind().label(), p.table().qualified(), spec.set(),
                        spec.predicate(), p.archive() == null ? null : p.archive().qualified(), p.key(), p.keyTypes(),
                        0, 0, vacuumEvery));
                store.recordThrottle(id, options.throttle());
                return batches(s, p, store.load(id), jobs.load(id), options.throttle(), JobResult.How.STARTED);
            } finally {
                AdvisoryLock.release(s.control(), names);
            }
        }
    }

    /** Goes on with job {@code id} from its checkpoint; one that succeeded is reported done. */
    JobResult resume(long id) throws SQLException {
        try (Sessions s = Sessions.open(dataSource)) {
            listener.phase(Phase.PREFLIGHT, "resuming job " + id);
            MigrationRecord r = new MigrationStore(s.control()).load(id);
            JobStore.Job job = job(s.control(), r);
            if (r.outcome() == Outcome.SUCCEEDED) {
                return done(r, job);
            }
            if (r.finished()) {
                throw new DoppelException(Reason.NOT_RESUMABLE, "job " + id + " of " + r.tableName() + " already "
                        + r.outcome() + "; there is nothing to resume: run the job again to start it anew");
            }
            JobPreflight.Prepared p = JobPreflight.prepare(s.control(), spec(job));
            return proceed(s, p, r, job, JobResult.How.RESUMED);
        }
    }

    /** Ends a job that is not running; what its batches did stays done. */
    JobResult abort(long id) throws SQLException {
        try (Session s = Session.open(dataSource, "control")) {
            MigrationStore store = new MigrationStore(s);
            MigrationRecord r = store.load(id);
            JobStore.Job job = job(s, r);
            ObjectNames names = new ObjectNames(r.tableOid());
            hold(s, names, r.tableName());
            try {
                if (!r.finished()) {
                    store.finish(id, Outcome.ABORTED, "aborted by request after " + r.rowsCopied() + " rows", null, null);
                }
            } finally {
                AdvisoryLock.release(s, names);
            }
            MigrationRecord after = store.load(id);
            return new JobResult(id, r.tableName(), r.change(), JobResult.How.ABORTED, after.outcome().word(),
                    after.rowsCopied(), after.rowsCopied(), job.rowsExamined(), job.batches(), 0, 0);
        }
    }

    /** The job of a migrations row, refusing a schema migration's. */
    static JobStore.Job job(Session s, MigrationRecord r) throws SQLException {
        JobStore.Job job = JobStore.CAPTURE.equals(r.capture()) ? new JobStore(s).load(r.id()) : null;
        if (job == null) {
            throw new DoppelException(Reason.NOT_A_JOB, r.id() + " is a schema migration of " + r.tableName()
                    + ", not a data job; `doppel resume` and `doppel abort` handle it as a migration");
        }
        return job;
    }

    private static JobSpec spec(JobStore.Job job) {
        return new JobSpec(JobSpec.Kind.valueOf(job.kind().toUpperCase(Locale.ROOT)), job.tableSql(),
                job.set(), job.where(), job.into());
    }

    private JobResult proceed(Sessions s, JobPreflight.Prepared p, MigrationRecord r, JobStore.Job job,
                              JobResult.How how) throws SQLException {
        if (!p.key().equals(job.key())) {
            throw new DoppelException(Reason.NOT_RESUMABLE, "job " + r.id() + " walked " + r.tableName() + " by the key "
                    + job.key() + ", which is no longer its key (" + p.key() + "); `doppel abort " + r.id()
                    + "` ends it (the " + r.rowsCopied() + " rows done stay done) and a new run starts over");
        }
        ObjectNames names = new ObjectNames(r.tableOid());
        hold(s.control(), names, r.tableName());
        try {
            ThrottleSettings throttle = options.throttle().over(r.throttle());
            new MigrationStore(s.control()).recordThrottle(r.id(), throttle);
            return batches(s, p, r, job, throttle, how);
        } finally {
            AdvisoryLock.release(s.control(), names);
        }
    }

    private JobResult batches(Sessions s, JobPreflight.Prepared p, MigrationRecord r, JobStore.Job job,
                              ThrottleSettings throttle, JobResult.How how) throws SQLException {
        MigrationStore store = new MigrationStore(s.control());
        long id = r.id();
        String[] checkpoint = r.checkpoint() == null ? null : r.checkpoint().toArray(String[]::new);
        String from = checkpoint == null ? "from the first key" : "after key " + String.join(", ", checkpoint);
        store.phase(id, Phase.BATCHES, spec(job).text() + " " + from);
        listener.phase(Phase.BATCHES, "job " + id + ": " + r.change() + " on " + r.tableName() + ", " + from);
        long started = System.nanoTime();
        BatchRunner.Totals totals = null;
        try (Throttler throttler = new Throttler(s.signals(), p.table().oid(), p.table().display(), throttle,
                new OperatorRequests(s.control(), id), id, listener)) {
            totals = new BatchRunner(s.worker(), p.sql(), options, id, p.table().display(), throttler,
                    job.vacuumEvery(), listener).run(checkpoint, job.rowsExamined(), p.table().estimatedRows());
        } catch (SQLException | RuntimeException e) {
            throw stopped(store, r, e);
        }
        store.finish(id, Outcome.SUCCEEDED, null, null, null);
        long total = r.rowsCopied() + totals.changed();
        listener.phase(Phase.DONE, "job " + id + " done: " + total + " rows");
        return new JobResult(id, p.table().display(), r.change(), how, "succeeded", total, r.rowsCopied(),
                job.rowsExamined() + totals.examined(), job.batches() + totals.batches(), totals.vacuums(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Records a stop. A job whose very first batch failed on the data changed nothing: it fails, and running it
     * again starts it anew. Otherwise it stays resumable from its checkpoint.
     */
    private DoppelException stopped(MigrationStore store, MigrationRecord r, Exception e) {
        MigrationRecord now;
        try {
            now = store.load(r.id());
            boolean untouched = now.checkpoint() == null;
            if (untouched && e instanceof DoppelException d && d.reason() == Reason.BATCH_FAILED) {
                store.finish(r.id(), Outcome.FAILED, e.getMessage(), null, null);
                listener.phase(Phase.FAILED, e.getMessage());
                return new DoppelException(Reason.INVALID_JOB, e.getMessage() + ". No row was changed; fix the"
                        + " rows or the expression, then run the job again", e);
            }
            store.stopped(r.id(), Phase.BATCHES, e.getMessage());
        } catch (SQLException | RuntimeException recording) {
            e.addSuppressed(recording);
            now = r;
        }
        listener.phase(Phase.FAILED, e.getMessage());
        String next = "; running the same job again, or `doppel resume " + r.id() + "`, goes on from there, and"
                + " `doppel abort " + r.id() + "` ends it";
        if (e instanceof DoppelException d && d.reason() == Reason.BATCH_FAILED) {
            return new DoppelException(Reason.BATCH_FAILED, e.getMessage() + ". The batches before it are"
                    + " committed (" + now.rowsCopied() + " rows); fix the rows or the expression" + next, e);
        }
        return new DoppelException(Reason.STOPPED, "job " + r.id() + " of " + r.tableName() + " stopped after "
                + now.rowsCopied() + " rows, each batch committed with its checkpoint: " + e.getMessage() + next, e);
    }

    private static JobResult done(MigrationRecord r, JobStore.Job job) {
        return new JobResult(r.id(), r.tableName(), r.change(), JobResult.How.ALREADY_DONE, r.outcome().word(),
                r.rowsCopied(), r.rowsCopied(), job.rowsExamined(), job.batches(), 0, 0);
    }

    private static void hold(Session s, ObjectNames names, String table) throws SQLException {
        AdvisoryLock.claim(s, names, table + " (a migration or a data job)");
    }
}
