package dev.doppel.engine.apply;

import dev.doppel.engine.sql.ScriptSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** apply's record, per file and statement, in the doppel schema: what is done, and what a resume must clean up. */
final class ProgressStore {

    /** A file's recorded run: its checksum then, and "running", "failed" or "done". */
    record FileRecord(String checksum, String state, String error) {
    }

    /** A statement's record: "started" (its work may be half done) or "done"; {@code detail} what resume needs. */
    record StatementRecord(int ordinal, String hash, String state, String detail) {

        boolean done() {
            return "done".equals(state);
        }
    }

    private ProgressStore() {
    }

    static void ensureSchema(Session s) throws SQLException {
        s.transaction(tx -> {
            tx.execute(ScriptSql.schemaLock());
            tx.execute(ScriptSql.createSchema());
            tx.execute(ScriptSql.createFiles());
            tx.execute(ScriptSql.createStatements());
            return null;
        });
    }

    /** The file's record, or null when apply never ran it (or the progress tables do not exist yet). */
    static FileRecord file(Session s, String script) throws SQLException {
        if (s.text("SELECT to_regclass(?)::text", ScriptSql.FILES) == null) {
            return null;
        }
        return s.one(ScriptSql.fileRecord(), rs -> new FileRecord(rs.getString(1), rs.getString(2), rs.getString(3)),
                script);
    }

    /** By ordinal. */
    static Map<Integer, StatementRecord> statements(Session s, String script) throws SQLException {
        Map<Integer, StatementRecord> out = new HashMap<>();
        if (s.text("SELECT to_regclass(?)::text", ScriptSql.STATEMENTS) == null) {
            return out;
        }
        List<StatementRecord> records = s.query(ScriptSql.statementRecords(), rs -> new StatementRecord(rs.getInt(1),
                rs.getString(2), rs.getString(3), rs.getString(4)), script);
        records.forEach(r -> out.put(r.ordinal(), r));
        return out;
    }

    static void start(Session s, String script, String checksum, int statements) throws SQLException {
        s.execute(ScriptSql.startFile(), script, checksum, statements);
    }

    static void finish(Session s, String script, String state, String error) throws SQLException {
        s.execute(ScriptSql.finishFile(), state, error, script);
    }

    static void record(Session s, String script, int ordinal, int line, String hash, String state, Route route,
                       String detail) throws SQLException {
        s.execute(ScriptSql.recordStatement(), script, ordinal, line, hash, state, route.name(), detail);
    }
}
