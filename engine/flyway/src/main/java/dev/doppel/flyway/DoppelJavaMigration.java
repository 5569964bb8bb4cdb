package dev.doppel.flyway;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A Java migration whose SQL doppel applies online, named as Flyway's Java migrations are
 * ({@code V7__Orders_total_to_cents}):
 *
 * <pre>{@code
 * public class V7__Orders_total_to_cents extends DoppelJavaMigration {
 *     protected String sql() {
 *         return "ALTER TABLE orders ALTER COLUMN total TYPE bigint USING (total * 100)::bigint;";
 *     }
 * }
 * }</pre>
 */
public abstract class DoppelJavaMigration extends BaseJavaMigration {

    /** The statements to apply, as in a SQL migration file. */
    protected abstract String sql();

    @Override
    public final void migrate(Context context) throws Exception {
        DoppelFlyway.apply(context.getConfiguration(), context.getConnection(), getClass().getSimpleName(), sql());
    }

    /** Online statements run outside any transaction; doppel keeps its own record of what is done. */
    @Override
    public final boolean canExecuteInTransaction() {
        return false;
    }
}
