package dev.doppel.liquibase;

import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.core.AddColumnChange;
import liquibase.database.Database;
import liquibase.statement.SqlStatement;

/** Liquibase's {@code addColumn}, made online by doppel when enabled for its change set; otherwise unchanged. */
@DatabaseChange(name = "addColumn", description = "Adds a new column to an existing table, online through doppel when enabled",
        priority = ChangeMetaData.PRIORITY_DEFAULT + 50, appliesTo = "table")
public class OnlineAddColumnChange extends AddColumnChange {

    @Override
    public SqlStatement[] generateStatements(Database database) {
        return DoppelLiquibase.online(this, database, super.generateStatements(database));
    }

    @Override
    public boolean generateStatementsVolatile(Database database) {
        return DoppelLiquibase.enabled(getChangeSet()) || super.generateStatementsVolatile(database);
    }
}
