package dev.doppel.liquibase;

import liquibase.database.Database;
import liquibase.exception.ValidationErrors;
import liquibase.sql.Sql;
import liquibase.sql.UnparsedSql;
import liquibase.sqlgenerator.SqlGeneratorChain;
import liquibase.sqlgenerator.core.AbstractSqlGenerator;

/** What {@code update-sql} shows for a change doppel makes online: its SQL, under a comment saying so. */
public final class DoppelStatementGenerator extends AbstractSqlGenerator<DoppelStatement> {

    @Override
    public ValidationErrors validate(DoppelStatement statement, Database database,
                                     SqlGeneratorChain<DoppelStatement> chain) {
        return new ValidationErrors();
    }

    @Override
    public Sql[] generateSql(DoppelStatement statement, Database database, SqlGeneratorChain<DoppelStatement> chain) {
        return new Sql[] {new UnparsedSql("-- doppel applies " + statement.name() + " online (doppel apply --dry-run"
                + " shows how):\n" + statement.script())};
    }
}
