package dev.doppel.engine;

import dev.doppel.engine.metrics.MigrationMetrics;
import dev.doppel.engine.sql.Session;
import io.micrometer.core.instrument.MeterRegistry;

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
            return new Preflight(session, table, alter, options.rewrite()).plan();
        } catch (SQLException e) {
            throw new DoppelException("database_error", "planning the change of " + table + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Runs the migration to the end; throws {@link DoppelException} when it refuses or fails. */
    public Result run() {
        try {
            if (meterRegistry == null) {
                return new Migration(dataSource, options, listener).run(table, alter);
            }
            MigrationMetrics metrics = new MigrationMetrics(meterRegistry, table);
            Result result = new Migration(dataSource, options, both(listener, metrics)).run(table, alter);
            result.locks().forEach(l -> metrics.lockHeld(l.what(), l.millis()));
            return result;
        } catch (SQLException e) {
            throw new DoppelException("database_error", "migrating " + table + " failed before it started: "
                    + e.getMessage() + " (SQLSTATE " + e.getSQLState() + "); nothing was created", e);
        }
    }

    static MigrationListener both(MigrationListener a, MigrationListener b) {
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
            public void throttled(String cause, String reason) {
                a.throttled(cause, reason);
                b.throttled(cause, reason);
            }

            @Override
            public void unthrottled() {
                a.unthrottled();
                b.unthrottled();
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
