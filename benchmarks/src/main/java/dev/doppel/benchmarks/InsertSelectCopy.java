package dev.doppel.benchmarks;

import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.plan.ColumnMapping;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The change as one INSERT ... SELECT into a bare copy that already has the new shape, then its indexes and
 * constraints, as doppel builds its shadow but in one statement, with no workload and no change capture: the
 * copy's own limit, which no online method can beat on the same server. The copy stays until the schema is
 * dropped, so the disk sampler sees it.
 */
final class InsertSelectCopy implements Scenario {

    private static final String COPY = "bench_copy";

    @Override
    public String id() {
        return "copy";
    }

    @Override
    public String title() {
        return "INSERT ... SELECT into a copy";
    }

    @Override
    public boolean online() {
        return false;
    }

    @Override
    public Outcome run(ScenarioContext context) throws Exception {
        List<ColumnMapping.Target> copied = OnlineSchemaChange.builder().dataSource(context.dataSource())
                .table(context.table()).alter(context.change()).build().plan().mapping().copied();
        String columns = copied.stream().map(t -> quote(t.name())).collect(Collectors.joining(", "));
        String values = copied.stream().map(ColumnMapping.Target::expression).collect(Collectors.joining(", "));
        try (Statement st = context.connection().createStatement()) {
            st.execute("CREATE TABLE " + COPY + " (LIKE " + context.table() + " INCLUDING ALL)");
            for (String statement : AlterParser.parse(context.change()).statementsFor(COPY)) {
                st.execute(statement);
            }
            List<String> rebuild = dropIndexes(st);
            st.execute("INSERT INTO " + COPY + " (" + columns + ") SELECT " + values + " FROM " + context.table());
            for (String sql : rebuild) {
                st.execute(sql);
            }
        }
        return Outcome.of(context.rows(), Double.NaN, "no workload: a copy is not an online change");
    }

    /** Drops the copy's indexes and index-backed constraints; returns the statements that rebuild them. */
    private static List<String> dropIndexes(Statement st) throws Exception {
        List<String> drop = new ArrayList<>();
        List<String> rebuild = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT c.relname, pg_get_indexdef(i.indexrelid), k.conname,"
                + " pg_get_constraintdef(k.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid"
                + " WHERE i.indrelid = '" + COPY + "'::regclass ORDER BY i.indisprimary DESC, c.relname")) {
            while (rs.next()) {
                if (rs.getString(3) == null) {
                    drop.add("DROP INDEX " + quote(rs.getString(1)));
                    rebuild.add(rs.getString(2));
                } else {
                    drop.add("ALTER TABLE " + COPY + " DROP CONSTRAINT " + quote(rs.getString(3)));
                    rebuild.add("ALTER TABLE " + COPY + " ADD CONSTRAINT " + quote(rs.getString(3)) + " "
                            + rs.getString(4));
                }
            }
        }
        for (String sql : drop) {
            st.execute(sql);
        }
        return rebuild;
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
