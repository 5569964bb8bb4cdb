package dev.doppel.engine.sql;

import dev.doppel.engine.catalog.TableInfo;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Statements of the bounded swap that the cut-over and a revert share. */
public final class CutoverSql {

    private CutoverSql() {
    }

    public static String lock(String relation) {
        return "LOCK TABLE " + relation + " IN ACCESS EXCLUSIVE MODE";
    }

    /**
     * LOCK of the tables referencing {@code live} first, in OID order, then {@code live}: their writers check keys
     * in it, so locking it first would leave them holding their own table while waiting on it.
     */
    public static String lockInOrder(Session s, TableInfo live) throws SQLException {
        List<String> tables = new ArrayList<>(s.query("SELECT conrelid::regclass::text FROM pg_constraint"
                + " WHERE contype = 'f' AND confrelid = ? AND conrelid <> ? GROUP BY conrelid ORDER BY conrelid",
                rs -> rs.getString(1), live.oid(), live.oid()));
        tables.add(live.qualified());
        return "LOCK TABLE " + String.join(", ", tables) + " IN ACCESS EXCLUSIVE MODE";
    }
}
