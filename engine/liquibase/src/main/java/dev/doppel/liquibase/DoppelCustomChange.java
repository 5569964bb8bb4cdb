package dev.doppel.liquibase;

import dev.doppel.engine.sql.Session;
import liquibase.change.custom.CustomTaskChange;
import liquibase.database.Database;
import liquibase.exception.CustomChangeException;
import liquibase.exception.DatabaseException;
import liquibase.exception.ValidationErrors;
import liquibase.resource.ResourceAccessor;

/**
 * Any statements, an ALTER TABLE above all, applied online by doppel whether or not doppel is enabled:
 *
 * <pre>{@code
 * <changeSet id="7" author="ops" runInTransaction="false">
 *   <customChange class="dev.doppel.liquibase.DoppelCustomChange">
 *     <param name="sql" value="ALTER TABLE orders ALTER COLUMN total TYPE bigint USING (total * 100)::bigint"/>
 *   </customChange>
 * </changeSet>
 * }</pre>
 */
public class DoppelCustomChange implements CustomTaskChange {

    private String sql;

    public String getSql() {
        return sql;
    }

    public void setSql(String sql) {
        this.sql = sql;
    }

    @Override
    public void execute(Database database) throws CustomChangeException {
        try {
            // A custom change does not know its change set: its runInTransaction="false" is the author's to give.
            DoppelLiquibase.apply("liquibase:" + database.getDefaultSchemaName() + ":custom:" + Session.sha256(sql),
                    sql, database, null);
        } catch (DatabaseException e) {
            throw new CustomChangeException(e.getMessage(), e);
        }
    }

    @Override
    public String getConfirmationMessage() {
        return "doppel applied online: " + sql;
    }

    @Override
    public void setUp() {
    }

    @Override
    public void setFileOpener(ResourceAccessor resourceAccessor) {
    }

    @Override
    public ValidationErrors validate(Database database) {
        ValidationErrors errors = new ValidationErrors();
        if (sql == null || sql.isBlank()) {
            errors.addError("DoppelCustomChange needs its sql parameter: the statements to apply online");
        }
        return errors;
    }
}
