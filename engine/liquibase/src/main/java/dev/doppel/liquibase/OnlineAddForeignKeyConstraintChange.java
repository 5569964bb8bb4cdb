package dev.doppel.liquibase;

import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.core.AddForeignKeyConstraintChange;
import liquibase.database.Database;
import liquibase.statement.SqlStatement;

/** Liquibase's {@code addForeignKeyConstraint}, made online by doppel when enabled for its change set; otherwise unchanged. */
@DatabaseChange(name = "addForeignKeyConstraint", description = "Adds a foreign key, NOT VALID then validated through doppel when enabled",
        priority = ChangeMetaData.PRIORITY_DEFAULT + 50, appliesTo = "column")
public class OnlineAddForeignKeyConstraintChange extends AddForeignKeyConstraintChange {

    @Override
    public SqlStatement[] generateStatements(Database database) {
        return DoppelLiquibase.online(this, database, super.generateStatements(database));
    }

    @Override
    public boolean generateStatementsVolatile(Database database) {
        return DoppelLiquibase.enabled(getChangeSet()) || super.generateStatementsVolatile(database);
    }
}
