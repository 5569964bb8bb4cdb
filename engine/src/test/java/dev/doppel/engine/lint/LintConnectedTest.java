package dev.doppel.engine.lint;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With a connection: sizes from the catalog, and doppel's plan settling what offline lint can only suspect. */
@PostgresTest
class LintConnectedTest {

    @BeforeAll
    static void tables(TestDatabase db) {
        db.execute("CREATE TABLE items (id int PRIMARY KEY, name varchar(50) NOT NULL, total numeric(12,2))",
                "INSERT INTO items SELECT g, 'item ' || g, g FROM generate_series(1, 20000) g", "ANALYZE items");
    }

    private static FileLint lint(TestDatabase db, String sql) {
        return new Linter(false, db.dataSource()).lint("m.sql", "SET lock_timeout = '1s';\n" + sql);
    }

    @Test
    void aWideningThePlanFindsCatalogOnlyIsNoRewrite(TestDatabase db) {
        FileLint lint = lint(db, "ALTER TABLE items ALTER COLUMN name TYPE varchar(200);");
        assertEquals(List.of(), lint.findings());
        Sizing sizing = lint.statements().get(1).sizing();
        assertEquals(20000, sizing.rows());
        assertTrue(sizing.bytes() > 0);
        assertTrue(sizing.doppel().startsWith("in place"), sizing.doppel());
    }

    @Test
    void aRealRewriteIsAnErrorWithTheTimeItWouldHoldTheLock(TestDatabase db) {
        FileLint lint = lint(db, "ALTER TABLE items ALTER COLUMN total TYPE bigint USING (total * 100)::bigint;");
        Finding f = lint.findings().get(0);
        assertEquals("table-rewrite", f.rule());
        assertEquals(Severity.ERROR, f.severity());
        assertTrue(f.message().contains("about 20,000 rows"), f.message());
        Sizing sizing = lint.statements().get(1).sizing();
        assertTrue(sizing.doppel().startsWith("rewrite"), sizing.doppel());
        assertNotNull(sizing.blockingMillis(), "the plan times a sample of the copy");
    }

    @Test
    void aBlockingIndexBuildGetsItsTimeUnderTheLock(TestDatabase db) {
        FileLint lint = lint(db, "CREATE INDEX items_name ON items (name);");
        Sizing sizing = lint.statements().get(1).sizing();
        assertEquals(20000, sizing.rows());
        assertNotNull(sizing.blockingMillis(), "estimated from plan's timed scan");
        assertTrue(lint.findings().get(0).message().contains("about 20,000 rows"), lint.findings().get(0).message());
        assertEquals(0, db.count("SELECT count(*) FROM pg_constraint WHERE conname = 'doppel_lint_scan'"));
    }

    @Test
    void aTableNotYetCreatedHasNoSizes(TestDatabase db) {
        FileLint lint = lint(db, "CREATE INDEX later_a ON later (a);");
        assertNull(lint.statements().get(1).sizing());
        assertEquals("create-index-not-concurrent", lint.findings().get(0).rule());
    }
}
