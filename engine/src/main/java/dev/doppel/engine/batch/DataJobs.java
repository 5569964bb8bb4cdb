package dev.doppel.engine.batch;

import dev.doppel.engine.Reason;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Options;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.JobStore;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;
import io.micrometer.core.instrument.MeterRegistry;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Data jobs that already exist in a database, by id: resume one that stopped, abort one. Jobs share the id space,
 * `status` and the operator's controls (pause, unpause, throttle through {@code Migrations}) with migrations.
 */
public final class DataJobs {

    private final DataSource dataSource;
    private final Options options;
    private final MigrationListener listener;
    private final MeterRegistry meterRegistry;

    private DataJobs(DataSource dataSource, Options options, MigrationListener listener, MeterRegistry registry) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.options = options;
        this.listener = listener;
        this.meterRegistry = registry;
    }

    public static DataJobs on(DataSource dataSource) {
        return new DataJobs(dataSource, Options.defaults(), MigrationListener.NONE, null);
    }

    public DataJobs options(Options o) {
        return new DataJobs(dataSource, Objects.requireNonNull(o), listener, meterRegistry);
    }

    public DataJobs listener(MigrationListener l) {
        return new DataJobs(dataSource, options, Objects.requireNonNull(l), meterRegistry);
    }

    public DataJobs meterRegistry(MeterRegistry registry) {
        return new DataJobs(dataSource, options, listener, Objects.requireNonNull(registry));
    }

    /** Whether the record is a data job's rather than a schema migration's. */
    public static boolean isJob(MigrationRecord r) {
        return JobStore.CAPTURE.equals(r.capture());
    }

    /** Whether {@code id} is a data job's; false for a schema migration's, and for an id nothing has. */
    public boolean isJob(long id) {
        try (Session s = Session.open(dataSource, "control")) {
            return new JobStore(s).load(id) != null;
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "reading job " + id + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Goes on with a stopped job from its checkpoint (its recorded throttle applies unless these options replace
     * it); a job that succeeded is reported done.
     */
    public JobResult resume(long id) {
        return DataJob.measured("job " + id, dataSource, options, listener, meterRegistry, 0, run -> run.resume(id));
    }

    /**
     * Ends a job that no doppel process is running; the rows its batches changed stay changed (the result says
     * how many). A finished job keeps its outcome.
     */
    public JobResult abort(long id) {
        try {
            return new JobRun(dataSource, options, listener, 0).abort(id);
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "aborting job " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** The job's record; {@code not_a_job} for a schema migration's id. */
    public JobStore.Job get(long id) {
        try (Session s = Session.open(dataSource, "control")) {
            return JobRun.job(s, new MigrationStore(s).load(id));
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "reading job " + id + " failed: " + e.getMessage(), e);
        }
    }
}
