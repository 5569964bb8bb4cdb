package dev.doppel.liquibase;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Options;
import dev.doppel.engine.apply.ApplyResult;
import dev.doppel.engine.apply.ScriptApplier;
import dev.doppel.engine.apply.SearchPathDataSource;
import dev.doppel.engine.script.SqlScript;
import liquibase.change.AbstractChange;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.core.PostgresDatabase;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.DatabaseException;
import liquibase.sql.Sql;
import liquibase.sqlgenerator.SqlGeneratorFactory;
import liquibase.statement.SqlStatement;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * When doppel makes a change online, and how: enabled for every change set by the system property {@code
 * doppel.online=true} (or the environment variable {@code DOPPEL_ONLINE=true}), or for one change set by the words
 * {@code doppel:online} in its comment. doppel opens its own connections (a rewrite uses several): from the data
 * source given to {@link #useDataSource}, or else from the URL and user of Liquibase's connection (the password then
 * comes from {@code ~/.pgpass}).
 */
public final class DoppelLiquibase {

    private static final Logger log = LoggerFactory.getLogger(DoppelLiquibase.class);
    private static volatile DataSource dataSource;

    private DoppelLiquibase() {
    }

    /** The data source doppel connects through, e.g. the application's own; null goes back to Liquibase's URL. */
    public static void useDataSource(DataSource ds) {
        dataSource = ds;
    }

    static boolean enabled(ChangeSet changeSet) {
        if (Boolean.parseBoolean(System.getProperty("doppel.online", System.getenv("DOPPEL_ONLINE")))) {
            return true;
        }
        return changeSet != null && changeSet.getComments() != null
                && changeSet.getComments().toLowerCase(Locale.ROOT).contains("doppel:online");
    }

    /** The change's own statements, or, when doppel makes it online, one statement that applies their SQL. */
    static SqlStatement[] online(AbstractChange change, Database database, SqlStatement[] statements) {
        if (!(database instanceof PostgresDatabase) || !enabled(change.getChangeSet())) {
            return statements;
        }
        Sql[] sql = SqlGeneratorFactory.getInstance().generateSql(statements, database);
        String script = Arrays.stream(sql).map(Sql::toSql).collect(Collectors.joining(";\n", "", ";\n"));
        return new SqlStatement[] {new DoppelStatement(name(change, database), script, database,
                change.getChangeSet())};
    }

    /**
     * The change's name in doppel's record: the schema it works in (one database may hold a schema per tenant,
     * each migrated by the same changelog), its change set, and its place in it.
     */
    private static String name(AbstractChange change, Database database) {
        ChangeSet cs = change.getChangeSet();
        String prefix = "liquibase:" + database.getDefaultSchemaName() + ":";
        if (cs == null) {
            return prefix + change.getSerializedObjectName();
        }
        return prefix + cs.getFilePath() + "::" + cs.getId() + "::" + cs.getAuthor() + "::"
                + (cs.getChanges().indexOf(change) + 1);
    }

    /** Applies {@code script} online; refuses inside a Liquibase transaction, which concurrent builds would wait on. */
    static ApplyResult apply(String name, String script, Database database, ChangeSet changeSet)
            throws DatabaseException {
        if (changeSet != null && changeSet.isRunInTransaction()) {
            throw new DatabaseException("doppel refuses to make change set " + changeSet.getId() + " ("
                    + changeSet.getFilePath() + ") online inside Liquibase's transaction: concurrent index builds"
                    + " and doppel's waits for old snapshots would wait on it forever. Add runInTransaction=\"false\""
                    + " to the change set; nothing was run");
        }
        JdbcConnection connection = (JdbcConnection) database.getConnection();
        try {
            DataSource ds = new SearchPathDataSource(dataSource(connection), searchPath(connection
                    .getUnderlyingConnection()));
            ApplyResult result = new ScriptApplier(ds, Options.defaults()).apply(SqlScript.parse(name, script), false);
            log.info("doppel: {} {} ({} statements run, {} done before)", name, result.how().name().toLowerCase(
                    Locale.ROOT), result.ran(), result.skipped());
            return result;
        } catch (DoppelException e) {
            throw new DatabaseException("doppel could not apply " + name + " (" + e.reason() + "): " + e.getMessage()
                    + ". doppel recorded what is done: fix the cause and run update again to go on from the statement"
                    + " that failed", e);
        } catch (SQLException e) {
            throw new DatabaseException("reading Liquibase's search_path for " + name + " failed: " + e.getMessage(),
                    e);
        }
    }

    private static DataSource dataSource(JdbcConnection connection) {
        if (dataSource != null) {
            return dataSource;
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(connection.getURL());
        ds.setUser(connection.getConnectionUserName());
        return ds;
    }

    private static String searchPath(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('search_path')")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
