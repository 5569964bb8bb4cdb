package dev.doppel.liquibase;

import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.PreparedStatementFactory;
import liquibase.exception.DatabaseException;
import liquibase.statement.AbstractSqlStatement;
import liquibase.statement.ExecutablePreparedStatement;

/**
 * The SQL of a change, applied online by doppel when Liquibase executes it; {@code update-sql} prints it under a
 * comment ({@link DoppelStatementGenerator}).
 */
final class DoppelStatement extends AbstractSqlStatement implements ExecutablePreparedStatement {

    private final String name;
    private final String script;
    private final Database database;
    private final ChangeSet changeSet;

    DoppelStatement(String name, String script, Database database, ChangeSet changeSet) {
        this.name = name;
        this.script = script;
        this.database = database;
        this.changeSet = changeSet;
    }

    String name() {
        return name;
    }

    String script() {
        return script;
    }

    @Override
    public void execute(PreparedStatementFactory factory) throws DatabaseException {
        DoppelLiquibase.apply(name, script, database, changeSet);
    }
}
