package dev.doppel.liquibase;

import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.core.RawSQLChange;
import liquibase.database.Database;
import liquibase.statement.SqlStatement;

/** Liquibase's {@code sql}, made online by doppel when enabled for its change set; otherwise unchanged. */
@DatabaseChange(name = "sql", description = "Runs raw SQL, each statement made online through doppel when enabled",
        priority = ChangeMetaData.PRIORITY_DEFAULT + 50)
public class OnlineRawSQLChange extends RawSQLChange {

    @Override
    public SqlStatement[] generateStatements(Database database) {
        return DoppelLiquibase.online(this, database, super.generateStatements(database));
    }

    @Override
    public boolean generateStatementsVolatile(Database database) {
        return DoppelLiquibase.enabled(getChangeSet()) || super.generateStatementsVolatile(database);
    }
}
