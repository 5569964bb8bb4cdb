package dev.doppel.engine;

import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.metrics.MigrationMetrics;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Objects;

/**
 * doppel's entry point: an online ALTER TABLE.
 *
 * <pre>{@code
 * Result r = OnlineSchemaChange.builder()
 *     .dataSource(ds)
 *     .table("public.orders")
 *     .alter("ALTER COLUMN total TYPE bigint USING (total*100)::bigint, ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'")
 *     .build()
 *     .run();
 * }</pre>
 */
public final class OnlineSchemaChange {

    private static final Logger log = LoggerFactory.getLogger(OnlineSchemaChange.class);

    private final DataSource dataSource;
    private final String table;
    private final String alter;
    private final Options options;
    private final MigrationListener listener;
    private final MeterRegistry meterRegistry;

    private OnlineSchemaChange(Builder b) {
        this.dataSource = Objects.requireNonNull(b.dataSource, "dataSource");
        this.table = Objects.requireNonNull(b.table, "table");
        this.alter = Objects.requireNonNull(b.alter, "alter");
        this.options = b.options;
        this.listener = b.listener;
        this.meterRegistry = b.meterRegistry;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** doppel's version, as stamped in the jar, or "development". */
    public static String version() {
        String v = OnlineSchemaChange.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /** Read-only: checks everything {@link #run()} would check and returns what it would do. */
    public Plan plan() {
        try (Session session = Session.open(dataSource, "plan")) {
            return new Preflight(session, table, alter, options).plan(true);
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "planning the change of " + table + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Runs the migration to the end; throws {@link DoppelException} when it refuses or fails. */
    public Result run() {
        return measured(migration -> migration.run(table, alter));
    }

    /**
     * Makes the change idempotently, for scheduled jobs that run the same change until it is done: resumes an
     * unfinished migration of the same table and change (the recorded change hash), does nothing when the newest
     * migration of this change succeeded and the table still has the definition it left, and otherwise runs.
     */
    public Applied apply() {
        MigrationRecord earlier;
        TableInfo current;
        String text = AlterParser.parse(alter).text();
        try (Session session = Session.open(dataSource, "apply")) {
            current = new CatalogReader(session).read(table);
            MigrationStore store = new MigrationStore(session);
            earlier = store.latestOf(current.oid(), current.qualified(), MigrationStore.changeHash(text));
            if (earlier != null && earlier.outcome() == Outcome.SUCCEEDED
                    && current.fingerprint().equals(store.resultFingerprint(earlier.id()))) {
                log.info("migration {} already made this change of {}; nothing to do", earlier.id(),
                        current.display());
                return new Applied(Applied.How.ALREADY_DONE, earlier.id(), current.display(), text, null);
            }
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "looking for earlier runs of the change of " + table
                    + " failed: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + "); nothing was created", e);
        } catch (DoppelException e) {
            if (e.reason() != Reason.TABLE_NOT_FOUND) {
                throw e;
            }
            // A run on a missing table refuses with the same reason and the preflight's wording.
            return new Applied(Applied.How.STARTED, 0, table, text, run());
        }
        if (earlier != null && !earlier.finished()) {
            log.info("resuming migration {}, an unfinished run of the same change of {}", earlier.id(),
                    current.display());
            Result result = measured(migration -> migration.resume(earlier.id()));
            return new Applied(Applied.How.RESUMED, earlier.id(), current.display(), text, result);
        }
        Result result = run();
        return new Applied(Applied.How.STARTED, result.migrationId(), result.table(), text, result);
    }

    private interface Work {
        Result on(Rewrite rewrite) throws SQLException;
    }

    /** Runs or resumes, recording metrics when a registry was given. */
    private Result measured(Work work) {
        try {
            if (meterRegistry == null) {
                return work.on(new Rewrite(dataSource, options, listener));
            }
            MigrationMetrics metrics = new MigrationMetrics(meterRegistry, table);
            try {
                Result result = work.on(new Rewrite(dataSource, options, both(listener, metrics)));
                result.locks().forEach(l -> metrics.lockHeld(l.what(), l.millis(), l.attempts()));
                return result;
            } catch (DoppelException e) {
                metrics.error(e.reason().code());
                throw e;
            }
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "migrating " + table + " failed before it started: "
                    + e.getMessage() + " (SQLSTATE " + e.getSQLState() + "); nothing was created", e);
        }
    }

    /** Both listeners, each told everything, in this order. */
    public static MigrationListener both(MigrationListener a, MigrationListener b) {
        return new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                a.phase(phase, detail);
                b.phase(phase, detail);
            }

            @Override
            public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                a.copied(rows, estimatedTotal, rowsPerSecond);
                b.copied(rows, estimatedTotal, rowsPerSecond);
            }

            @Override
            public void copyingPartition(String partition, int number, int count) {
                a.copyingPartition(partition, number, count);
                b.copyingPartition(partition, number, count);
            }

            @Override
            public void throttled(String cause, String reason) {
                a.throttled(cause, reason);
                b.throttled(cause, reason);
            }

            @Override
            public void unthrottled() {
                a.unthrottled();
                b.unthrottled();
            }

            @Override
            public void chunk(long rows, long millis) {
                a.chunk(rows, millis);
                b.chunk(rows, millis);
            }

            @Override
            public void backlog(long entries) {
                a.backlog(entries);
                b.backlog(entries);
            }

            @Override
            public void replayed(long entries) {
                a.replayed(entries);
                b.replayed(entries);
            }
        };
    }

    /** Builds an {@link OnlineSchemaChange}; table and alter are required. */
    public static final class Builder {
        private DataSource dataSource;
        private String table;
        private String alter;
        private Options options = Options.defaults();
        private MigrationListener listener = MigrationListener.NONE;
        private MeterRegistry meterRegistry;

        public Builder dataSource(DataSource ds) {
            this.dataSource = ds;
            return this;
        }

        /** The table as SQL names it: {@code orders}, {@code public.orders}, {@code "Order Items"}. */
        public Builder table(String name) {
            this.table = name;
            return this;
        }

        /** The ALTER TABLE subcommands, e.g. {@code ALTER COLUMN id TYPE bigint}. */
        public Builder alter(String subcommands) {
            this.alter = subcommands;
            return this;
        }

        /**
         * No change of shape: rewrite the table online to remove its bloat, pg_repack's job without an extension;
         * {@code orderBy} (columns or expressions as in CREATE INDEX, or null for key order) clusters the rows.
         */
        public Builder repack(String orderBy) {
            this.alter = AlterChange.repack(orderBy).text();
            return this;
        }

        /**
         * Rewrites a plain table into a partitioned one: {@code key} as in PARTITION BY ("RANGE (created_at)"),
         * {@code partitions} as {@link dev.doppel.engine.plan.Partitioning} reads them ("monthly from 2026-01-01 to
         * 2026-07-01; default", or for HASH the modulus).
         */
        public Builder partitionBy(String key, String partitions) {
            this.alter = AlterChange.partition(new dev.doppel.engine.plan.Partitioning(key, partitions)).text();
            return this;
        }

        /** Rewrites a partitioned table into a plain one with the same columns, indexes, constraints and rows. */
        public Builder unpartition() {
            this.alter = AlterChange.unpartition().text();
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

        /** Where to record metrics (rows copied, copy rate, phase durations, lock-held time); none by default. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry);
            return this;
        }

        public OnlineSchemaChange build() {
            return new OnlineSchemaChange(this);
        }
    }
}
