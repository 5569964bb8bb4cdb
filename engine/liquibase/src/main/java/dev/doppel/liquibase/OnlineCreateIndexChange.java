package dev.doppel.liquibase;

import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.core.CreateIndexChange;
import liquibase.database.Database;
import liquibase.statement.SqlStatement;

/** Liquibase's {@code createIndex}, made online by doppel when enabled for its change set; otherwise unchanged. */
@DatabaseChange(name = "createIndex", description = "Creates an index, CONCURRENTLY through doppel when enabled",
        priority = ChangeMetaData.PRIORITY_DEFAULT + 50, appliesTo = "index")
public class OnlineCreateIndexChange extends CreateIndexChange {

    @Override
    public SqlStatement[] generateStatements(Database database) {
        return DoppelLiquibase.online(this, database, super.generateStatements(database));
    }

    @Override
    public boolean generateStatementsVolatile(Database database) {
        return DoppelLiquibase.enabled(getChangeSet()) || super.generateStatementsVolatile(database);
    }
}
