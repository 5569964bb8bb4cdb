package dev.doppel.engine.lint;

import dev.doppel.engine.script.LockModel;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Plan;
import dev.doppel.engine.script.StatementShape;
import dev.doppel.engine.sql.ScriptSql;
import dev.doppel.engine.sql.Session;

import javax.sql.DataSource;
import java.sql.SQLException;

/** Sizes and time estimates for statements on existing tables, read from the catalog and {@code plan}. */
final class TableSizes {

    private final DataSource dataSource;

    TableSizes(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Null when the table does not exist (yet: an earlier file may create it). */
    Sizing of(StatementShape shape, String text) {
        String table = LockModel.display(shape.table());
        long[] size;
        try (Session session = Session.open(dataSource, "lint")) {
            size = session.one(ScriptSql.tableSize(), rs -> new long[] {rs.getLong(1), rs.getLong(2)}, table);
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "reading the size of " + table + " failed: " + e.getMessage()
                    + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
        if (size == null) {
            return null;
        }
        if (shape.type() == StatementShape.Type.CREATE_INDEX && !shape.concurrently()) {
            return new Sizing(size[0], size[1], indexBuildMillis(table), null);
        }
        if (shape.type() != StatementShape.Type.ALTER_TABLE || shape.alter() == null || shape.alter().isRepack()) {
            return new Sizing(size[0], size[1], null, null);
        }
        try {
            Plan plan = OnlineSchemaChange.builder().dataSource(dataSource).table(table).alter(text).build().plan();
            return new Sizing(size[0], size[1], blockingMillis(plan), (plan.strategy() == Plan.Strategy.IN_PLACE
                    ? "in place: " : "rewrite: ") + plan.why() + "; " + plan.schedule().size() + " steps");
        } catch (DoppelException e) {
            return new Sizing(size[0], size[1], null, "doppel cannot plan it (" + e.reason() + "): " + e.getMessage());
        }
    }

    /**
     * A blocking index build: one pass over the heap and a sort, about two scans' worth of the scan {@code plan}
     * times for a validation (the plan of a check that is never added; nothing changes).
     */
    private Long indexBuildMillis(String table) {
        try {
            Plan plan = OnlineSchemaChange.builder().dataSource(dataSource).table(table)
                    .alter("ADD CONSTRAINT doppel_lint_scan CHECK (true)").build().plan();
            Long scan = blockingMillis(plan);
            return scan == null ? null : 2 * scan;
        } catch (DoppelException e) {
            return null;
        }
    }

    /**
     * What the blocking statement would spend under its lock: the work doppel's plan times and does while writers go
     * on (the copy and index builds of a rewrite, the validations and index builds in place).
     */
    private static Long blockingMillis(Plan plan) {
        long total = 0;
        boolean any = false;
        for (Plan.Step step : plan.schedule()) {
            boolean work = step.effect().contains("reads every row") || step.effect().contains("reads the shadow")
                    || step.effect().startsWith("scans the table");
            if (work && step.estimateMillis() != null) {
                total += step.estimateMillis();
                any = true;
            }
        }
        return any ? total : null;
    }
}
