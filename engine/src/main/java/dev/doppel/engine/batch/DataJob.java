package dev.doppel.engine.batch;

import dev.doppel.engine.Reason;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.metrics.MigrationMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Objects;

/**
 * A data migration run online: an UPDATE, a DELETE, or a move of rows into an archive table, in throttled,
 * resumable keyset batches beside the application's writes.
 *
 * <pre>{@code
 * JobResult r = DataJob.update("public.posts").set("slug = lower(title)").where("slug IS NULL")
 *     .dataSource(ds).build().run();
 * DataJob.delete("events").where("created_at < now() - interval '90 days'").dataSource(ds).vacuumEvery(50)
 *     .build().run();
 * DataJob.move("orders", "archive.orders").where("closed_at < '2025-01-01'").dataSource(ds).build().run();
 * }</pre>
 *
 * The options it uses: lock timeout and attempts (per batch), chunk target and sizes (the batch), the rows/s cap
 * and the throttle; {@link DataJobs} resumes, aborts and controls jobs by id.
 */
public final class DataJob {

    private final DataSource dataSource;
    private final JobSpec spec;
    private final Options options;
    private final MigrationListener listener;
    private final MeterRegistry meterRegistry;
    private final int vacuumEvery;
    private final boolean again;

    private DataJob(Builder b) {
        this.dataSource = Objects.requireNonNull(b.dataSource, "dataSource");
        this.spec = new JobSpec(b.kind, b.table, b.set, b.where, b.into);
        this.options = b.options;
        this.listener = b.listener;
        this.meterRegistry = b.meterRegistry;
        this.vacuumEvery = b.vacuumEvery;
        this.again = b.again;
    }

    /** {@code UPDATE table SET ...} over the rows matching {@link Builder#where} (every row without it). */
    public static Builder update(String table) {
        return new Builder(JobSpec.Kind.UPDATE, table, null);
    }

    /** {@code DELETE FROM table} of the rows matching {@link Builder#where}, which is required. */
    public static Builder delete(String table) {
        return new Builder(JobSpec.Kind.DELETE, table, null);
    }

    /**
     * Deletes the rows matching {@link Builder#where} from the table and inserts them into {@code into}, in the
     * same statement of each batch: a row is never lost nor doubled. The archive has the table's columns.
     */
    public static Builder move(String table, String into) {
        return new Builder(JobSpec.Kind.MOVE, table, Objects.requireNonNull(into, "into"));
    }

    public JobSpec spec() {
        return spec;
    }

    /**
     * Read-only: checks the job and returns what it would do, from estimates and a timed sample batch that is
     * rolled back; {@code exactCount} also counts the matching rows (a scan).
     */
    public JobPlan plan(boolean exactCount) {
        try {
            return new JobRun(dataSource, options, listener, vacuumEvery).plan(spec, exactCount);
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "planning " + spec.text() + " on " + spec.table()
                    + " failed: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    /**
     * Runs the job to the end, idempotently: an unfinished run of the same job on the same table goes on from
     * its checkpoint, and one that succeeded is reported done without changing anything (unless built with
     * {@link Builder#again}).
     */
    public JobResult run() {
        return measured(spec.table(), dataSource, options, listener, meterRegistry, vacuumEvery,
                run -> run.start(spec, again));
    }

    interface Work {
        JobResult on(JobRun run) throws SQLException;
    }

    static JobResult measured(String table, DataSource dataSource, Options options, MigrationListener listener,
                              MeterRegistry registry, int vacuumEvery, Work work) {
        MigrationMetrics metrics = registry == null ? null : new MigrationMetrics(registry, table);
        MigrationListener l = metrics == null ? listener : OnlineSchemaChange.both(listener, metrics);
        try {
            return work.on(new JobRun(dataSource, options, l, vacuumEvery));
        } catch (DoppelException e) {
            if (metrics != null) {
                metrics.error(e.reason().code());
            }
            throw e;
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "the data job on " + table + " failed: " + e.getMessage()
                    + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    /** Builds a {@link DataJob}; a data source is required, and an update's SET list. */
    public static final class Builder {
        private final JobSpec.Kind kind;
        private final String table;
        private final String into;
        private DataSource dataSource;
        private String set;
        private String where;
        private Options options = Options.defaults();
        private MigrationListener listener = MigrationListener.NONE;
        private MeterRegistry meterRegistry;
        private int vacuumEvery;
        private boolean again;

        private Builder(JobSpec.Kind kind, String table, String into) {
            this.kind = kind;
            this.table = Objects.requireNonNull(table, "table");
            this.into = into;
        }

        public Builder dataSource(DataSource ds) {
            this.dataSource = ds;
            return this;
        }

        /** An update's {@code col = expr, ...} list, e.g. {@code slug = lower(title)}. */
        public Builder set(String assignments) {
            this.set = assignments;
            return this;
        }

        /** The predicate, as after WHERE; each batch judges the rows by it as they are at that moment. */
        public Builder where(String predicate) {
            this.where = predicate;
            return this;
        }

        public Builder options(Options o) {
            this.options = Objects.requireNonNull(o);
            return this;
        }

        public Builder listener(MigrationListener l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        /** Rows changed, keys passed per second, batch sizes and times, throttling, errors; none by default. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry);
            return this;
        }

        /** VACUUM the table every {@code batches} batches; 0 (the default) leaves it to autovacuum. */
        public Builder vacuumEvery(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException("vacuumEvery is 0 (never) or more batches, not " + batches);
            }
            this.vacuumEvery = batches;
            return this;
        }

        /** Start the job anew even when the same job succeeded before (a recurring purge, say). */
        public Builder again(boolean startAnew) {
            this.again = startAnew;
            return this;
        }

        public DataJob build() {
            return new DataJob(this);
        }
    }
}
