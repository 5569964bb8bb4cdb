package dev.doppel.engine.script;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Splitting files into statements as psql does, with directives read from comments. */
class SqlScriptTest {

    private static List<String> texts(SqlScript script) {
        return script.statements().stream().map(ScriptStatement::text).toList();
    }

    @Test
    void semicolonsInStringsCommentsAndDollarQuotesDoNotSplit() {
        SqlScript script = SqlScript.parse("f.sql", """
                -- a comment; with a semicolon
                INSERT INTO t VALUES ('a;b', E'c\\';d');
                /* block; /* nested; */ still */ CREATE FUNCTION f() RETURNS int AS $body$
                  SELECT 1; SELECT 2;
                $body$ LANGUAGE sql;
                SELECT ";x" FROM t
                """);
        assertEquals(List.of("INSERT INTO t VALUES ('a;b', E'c\\';d')",
                "CREATE FUNCTION f() RETURNS int AS $body$\n  SELECT 1; SELECT 2;\n$body$ LANGUAGE sql",
                "SELECT \";x\" FROM t"), texts(script));
        assertEquals(List.of(2, 3, 6), script.statements().stream().map(ScriptStatement::line).toList());
    }

    @Test
    void aBeginAtomicBodyIsOneStatement() {
        SqlScript script = SqlScript.parse("f.sql", """
                CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC
                  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;
                  SELECT 2;
                END;
                BEGIN;
                SELECT 3;
                END;
                """);
        assertEquals(4, script.statements().size(), texts(script).toString());
        assertTrue(script.statements().get(0).text().endsWith("END"));
        assertEquals("BEGIN", script.statements().get(1).text());
    }

    @Test
    void psqlMetaCommandsAreStatementsOfTheirOwn() {
        SqlScript script = SqlScript.parse("f.sql", "\\set ON_ERROR_STOP on\nSELECT 1;\n\\connect other\nSELECT '\\x';\n");
        assertEquals(List.of("\\set ON_ERROR_STOP on", "SELECT 1", "\\connect other", "SELECT '\\x'"), texts(script));
        assertTrue(script.statements().get(0).isMetaCommand());
        assertFalse(script.statements().get(3).isMetaCommand());
    }

    @Test
    void disableCommentsApplyToTheNextStatementTheSameLineOrTheFile() {
        SqlScript script = SqlScript.parse("f.sql", """
                -- doppel:disable-file drop-table
                -- doppel:disable create-index-not-concurrent, missing-lock-timeout
                CREATE INDEX a ON t (x);
                CREATE INDEX b ON t (y); -- doppel:disable
                CREATE INDEX c ON t (z);
                """);
        assertTrue(script.disables("drop-table"));
        assertEquals(java.util.Set.of("create-index-not-concurrent", "missing-lock-timeout"),
                script.statements().get(0).disabled());
        assertTrue(script.statements().get(1).disables("anything"));
        assertTrue(script.statements().get(2).disabled().isEmpty());
    }

    @Test
    void aFileThatDoesNotLexNamesTheLine() {
        DoppelException e = assertThrows(DoppelException.class,
                () -> SqlScript.parse("bad.sql", "SELECT 1;\nSELECT 'unterminated;\n"));
        assertEquals(Reason.UNPARSABLE_SQL, e.reason());
        assertTrue(e.getMessage().contains("bad.sql") && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void shapesNameTheTableAndTheForm() {
        SqlScript script = SqlScript.parse("f.sql", """
                CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON ONLY public.orders USING btree (id);
                CREATE INDEX ON "Orders" (x);
                DROP INDEX IF EXISTS a, b;
                ALTER TABLE IF EXISTS ONLY s.t ADD COLUMN n int;
                ALTER TABLE t OWNER TO bob;
                SET LOCAL lock_timeout = '1s';
                UPDATE t SET a = 1;
                DELETE FROM t WHERE a = 1;
                """);
        List<StatementShape> shapes = script.statements().stream().map(StatementShape::of).toList();
        assertEquals("orders", shapes.get(0).table().name());
        assertEquals("idx", shapes.get(0).name());
        assertTrue(shapes.get(0).unique() && shapes.get(0).concurrently());
        assertEquals("Orders", shapes.get(1).table().name());
        assertEquals(null, shapes.get(1).name());
        assertEquals("several", shapes.get(2).detail());
        assertEquals(1, shapes.get(3).alter().subcommands().size());
        assertEquals(null, shapes.get(4).alter());
        assertEquals("lock_timeout", shapes.get(5).name());
        assertEquals("'1s'", shapes.get(5).detail());
        assertEquals("all rows", shapes.get(6).detail());
        assertEquals(null, shapes.get(7).detail());
    }
}
