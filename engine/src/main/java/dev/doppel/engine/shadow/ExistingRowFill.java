package dev.doppel.engine.shadow;

import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.plan.Subcommand;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What PostgreSQL gives the rows already in the table for a column the change adds, when a later subcommand of the
 * same statement sets or drops that column's default: the default the column had right after its ADD COLUMN (the
 * later one applies to later rows only). Asked of PostgreSQL: the statement up to the ADD is applied to the empty
 * copy in a savepoint that is rolled back, and the column's default read there.
 */
final class ExistingRowFill {

    private ExistingRowFill() {
    }

    /** Added column -> the expression existing rows get, for the columns whose default the statement changes again. */
    static Map<String, String> of(Session session, String copy, AlterChange change) throws SQLException {
        Map<String, String> out = new HashMap<>();
        List<Subcommand> subs = change.subcommands();
        for (int i = 0; i < subs.size(); i++) {
            Subcommand add = subs.get(i);
            if (add.kind() != Subcommand.Kind.ADD_COLUMN || subs.subList(i + 1, subs.size()).stream()
                    .noneMatch(s -> add.column().equals(s.column()) && (s.kind() == Subcommand.Kind.SET_DEFAULT
                            || s.kind() == Subcommand.Kind.DROP_DEFAULT))) {
                continue;
            }
            AlterChange upToAdd = AlterParser.parse(String.join(", ", subs.subList(0, i + 1).stream()
                    .map(Subcommand::text).toList()));
            session.execute("SAVEPOINT doppel_existing_rows");
            try {
                for (String statement : upToAdd.statementsFor(copy)) {
                    session.execute(statement);
                }
                String fill = session.text("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a"
                        + " ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = to_regclass(?)"
                        + " AND a.attname = ?", copy, add.column());
                out.put(add.column(), fill == null ? "NULL" : fill);
            } finally {
                session.execute("ROLLBACK TO SAVEPOINT doppel_existing_rows");
            }
        }
        return out;
    }
}
