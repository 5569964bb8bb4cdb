package dev.doppel.flyway;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.apply.ApplyListener;
import dev.doppel.engine.apply.ApplyResult;
import dev.doppel.engine.apply.ApplyStep;
import dev.doppel.engine.apply.ScriptApplier;
import dev.doppel.engine.apply.SearchPathDataSource;
import dev.doppel.engine.script.SqlScript;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogFactory;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the resolver's executor and the Java base class share: the lock check, the data source, the run. */
final class DoppelFlyway {

    private static final Log log = LogFactory.getLog(DoppelFlyway.class);

    private DoppelFlyway() {
    }

    /**
     * Applies {@code sql} online under the name {@code script}; {@code flywayConnection} is Flyway's own, read
     * only for its search_path, so unqualified names resolve where Flyway's would.
     */
    static ApplyResult apply(Configuration configuration, Connection flywayConnection, String script, String sql)
            throws SQLException {
        refuseTransactionalLock(configuration, script);
        DataSource dataSource = new SearchPathDataSource(dataSource(configuration), searchPath(flywayConnection));
        try {
            // Recorded under the schema too: one database may hold a schema per tenant, each migrated by one folder.
            String recorded = "flyway:" + schema(configuration) + ":" + script;
            ApplyResult result = new ScriptApplier(dataSource, Options.defaults()).listener(new FlywayLog(script))
                    .migrationListener(new MigrationLog(script)).apply(SqlScript.parse(recorded, sql), false);
            log.info("doppel: " + script + " " + switch (result.how()) {
                case STARTED -> "applied online, " + result.ran() + " statements";
                case RESUMED -> "resumed online: " + result.ran() + " statements run, " + result.skipped()
                        + " done before";
                case ALREADY_DONE -> "was applied by doppel before; nothing to do";
            });
            return result;
        } catch (DoppelException e) {
            throw new FlywayException("doppel could not apply " + script + " (" + e.reason() + "): " + e.getMessage()
                    + ". doppel recorded what is done: run flyway repair, fix the cause, and migrate again to go on"
                    + " from the statement that failed", e);
        }
    }

    /**
     * Flyway's default on PostgreSQL takes its lock with pg_advisory_xact_lock, keeping a transaction open around
     * every migration: CREATE INDEX CONCURRENTLY then waits for Flyway's own transaction and never ends (Flyway
     * issues #1654, #3497, #3854).
     */
    static void refuseTransactionalLock(Configuration configuration, String script) {
        PostgreSQLConfigurationExtension postgres = configuration.getPluginRegister()
                .getPlugin(PostgreSQLConfigurationExtension.class);
        if (postgres != null && postgres.isTransactionalLock()) {
            throw new FlywayException("doppel refuses to apply " + script + " online: Flyway's PostgreSQL"
                    + " transactional lock is on, and it keeps a transaction open for the whole migration, which"
                    + " concurrent index builds and doppel's waits for old snapshots would wait on forever. Set"
                    + " flyway.postgresql.transactional.lock=false (environment:"
                    + " FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK=false; Flyway then takes a session lock); nothing was"
                    + " run");
        }
    }

    private static String schema(Configuration configuration) {
        if (configuration.getDefaultSchema() != null) {
            return configuration.getDefaultSchema();
        }
        return configuration.getSchemas().length > 0 ? configuration.getSchemas()[0] : "";
    }

    /** doppel opens its own connections (a rewrite uses several); from Flyway's data source, or its URL. */
    private static DataSource dataSource(Configuration configuration) {
        if (configuration.getDataSource() != null) {
            return configuration.getDataSource();
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(configuration.getUrl());
        ds.setUser(configuration.getUser());
        ds.setPassword(configuration.getPassword());
        return ds;
    }

    private static String searchPath(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('search_path')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Each statement's progress as a line in Flyway's log. */
    private record FlywayLog(String script) implements ApplyListener {

        @Override
        public void starting(ApplyStep step, int index, int total) {
            log.info("doppel: " + script + " [" + index + "/" + total + "] line " + step.line() + ": " + step.text()
                    + " -> " + step.how());
        }

        @Override
        public void done(ApplyStep step, long millis) {
            log.info("doppel: " + script + " line " + step.line() + " done in " + millis + " ms");
        }

        @Override
        public void retrying(ApplyStep step, int attempt, String why) {
            log.warn("doppel: " + script + " line " + step.line() + " attempt " + attempt + " failed (" + why
                    + "); trying again");
        }
    }

    /** The phases of the doppel migrations an ALTER TABLE becomes, in Flyway's log. */
    private record MigrationLog(String script) implements MigrationListener {

        @Override
        public void phase(Phase phase, String detail) {
            log.info("doppel: " + script + " " + phase.name().toLowerCase() + ": " + detail);
        }
    }
}
