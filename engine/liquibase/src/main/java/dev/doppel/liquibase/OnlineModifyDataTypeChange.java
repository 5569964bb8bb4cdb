package dev.doppel.liquibase;

import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.core.ModifyDataTypeChange;
import liquibase.database.Database;
import liquibase.statement.SqlStatement;

/** Liquibase's {@code modifyDataType}, made online by doppel when enabled for its change set; otherwise unchanged. */
@DatabaseChange(name = "modifyDataType", description = "Modifies a column's type, through doppel's planner when enabled",
        priority = ChangeMetaData.PRIORITY_DEFAULT + 50, appliesTo = "column")
public class OnlineModifyDataTypeChange extends ModifyDataTypeChange {

    @Override
    public SqlStatement[] generateStatements(Database database) {
        return DoppelLiquibase.online(this, database, super.generateStatements(database));
    }

    @Override
    public boolean generateStatementsVolatile(Database database) {
        return DoppelLiquibase.enabled(getChangeSet()) || super.generateStatementsVolatile(database);
    }
}
