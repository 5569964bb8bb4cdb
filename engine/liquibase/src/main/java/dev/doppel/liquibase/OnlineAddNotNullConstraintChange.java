package dev.doppel.liquibase;

import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.core.AddNotNullConstraintChange;
import liquibase.database.Database;
import liquibase.statement.SqlStatement;

/** Liquibase's {@code addNotNullConstraint}, made online by doppel when enabled for its change set; otherwise unchanged. */
@DatabaseChange(name = "addNotNullConstraint", description = "Adds NOT NULL, proven by a validated check through doppel when enabled",
        priority = ChangeMetaData.PRIORITY_DEFAULT + 50, appliesTo = "column")
public class OnlineAddNotNullConstraintChange extends AddNotNullConstraintChange {

    @Override
    public SqlStatement[] generateStatements(Database database) {
        return DoppelLiquibase.online(this, database, super.generateStatements(database));
    }

    @Override
    public boolean generateStatementsVolatile(Database database) {
        return DoppelLiquibase.enabled(getChangeSet()) || super.generateStatementsVolatile(database);
    }
}
