package dev.doppel.engine.lint;

import dev.doppel.engine.report.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule on the statement it is about, offline; disable comments; the safer forms; SARIF's shape. */
class LintRulesTest {

    private static FileLint lint(String sql) {
        return new Linter(false, null).lint("m.sql", sql);
    }

    private static List<String> rules(String sql) {
        return lint(sql).findings().stream().map(f -> f.line() + " " + f.rule()).toList();
    }

    @Test
    void eachBlockingFormIsNamedWithItsRule() {
        assertEquals(List.of(
                        "2 create-index-not-concurrent",
                        "3 constraint-without-not-valid",
                        "4 constraint-without-not-valid",
                        "5 unique-constraint-builds-index",
                        "6 set-not-null-scan",
                        "7 table-rewrite",
                        "8 table-rewrite",
                        "9 drop-index-not-concurrent",
                        "10 reindex-not-concurrent",
                        "11 table-rewrite",
                        "12 refresh-not-concurrent",
                        "13 backfill-in-migration",
                        "14 rename-breaks-clients",
                        "15 drop-column",
                        "16 drop-table"),
                rules("""
                        SET lock_timeout = '1s';
                        CREATE INDEX orders_customer ON orders (customer_id);
                        ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0);
                        ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id);
                        ALTER TABLE orders ADD CONSTRAINT uq UNIQUE (ref);
                        ALTER TABLE orders ALTER COLUMN ref SET NOT NULL;
                        ALTER TABLE orders ALTER COLUMN total TYPE bigint USING (total * 100)::bigint;
                        ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();
                        DROP INDEX old_idx;
                        REINDEX TABLE orders;
                        VACUUM FULL orders;
                        REFRESH MATERIALIZED VIEW totals;
                        UPDATE orders SET status = 'new';
                        ALTER TABLE orders RENAME COLUMN ref TO reference;
                        ALTER TABLE orders DROP COLUMN legacy;
                        DROP TABLE archive;
                        """));
    }

    @Test
    void theSaferFormsPassClean() {
        assertEquals(List.of(), rules("""
                SET lock_timeout = '1s';
                CREATE INDEX CONCURRENTLY orders_customer ON orders (customer_id);
                ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;
                ALTER TABLE orders VALIDATE CONSTRAINT positive;
                ALTER TABLE orders ADD CONSTRAINT ref_nn CHECK (ref IS NOT NULL) NOT VALID;
                ALTER TABLE orders VALIDATE CONSTRAINT ref_nn;
                ALTER TABLE orders ALTER COLUMN ref SET NOT NULL;
                CREATE UNIQUE INDEX CONCURRENTLY uq ON orders (ref);
                ALTER TABLE orders ADD CONSTRAINT uq UNIQUE USING INDEX uq;
                ALTER TABLE orders ADD COLUMN note text DEFAULT 'none';
                DROP INDEX CONCURRENTLY old_idx;
                UPDATE orders SET status = 'new' WHERE id BETWEEN 1 AND 1000;
                """));
    }

    @Test
    void tablesTheFileCreatesNeedNoCare() {
        assertEquals(List.of(), rules("""
                CREATE TABLE fresh (id int PRIMARY KEY, a int);
                CREATE INDEX fresh_a ON fresh (a);
                ALTER TABLE fresh ADD CONSTRAINT a_positive CHECK (a > 0);
                ALTER TABLE fresh ALTER COLUMN a TYPE bigint;
                """));
    }

    @Test
    void aMissingLockTimeoutIsReportedOncePerFileAndZeroIsNoTimeout() {
        assertEquals(List.of("1 missing-lock-timeout"),
                rules("ALTER TABLE a ADD COLUMN x int;\nALTER TABLE b ADD COLUMN y int;\n"));
        assertEquals(List.of("2 missing-lock-timeout"), rules("SET lock_timeout = 0;\nALTER TABLE b ADD COLUMN y int;\n"));
        assertEquals(List.of("4 missing-lock-timeout"), rules("BEGIN;\nSET LOCAL lock_timeout = '1s';\nCOMMIT;\n"
                + "ALTER TABLE b ADD COLUMN y int;\n"));
    }

    @Test
    void aTransactionHoldingABlockingLockWhileItLocksMoreOrScansIsReported() {
        assertEquals(List.of("4 long-transaction-locks", "5 backfill-in-migration", "5 long-transaction-locks",
                "7 missing-lock-timeout"), rules("""
                BEGIN;
                SET LOCAL lock_timeout = '1s';
                ALTER TABLE a ADD COLUMN x int;
                ALTER TABLE b ADD COLUMN y int;
                UPDATE a SET x = 0;
                COMMIT;
                ALTER TABLE c ADD COLUMN z int;
                """));
    }

    @Test
    void concurrentlyInsideATransactionAndUnclosedBlocksAreErrors() {
        assertEquals(List.of("3 concurrently-in-transaction", "1 unclosed-transaction"), rules("""
                BEGIN;
                SET LOCAL lock_timeout = '1s';
                CREATE INDEX CONCURRENTLY i ON t (a);
                """));
        assertEquals(List.of("1 concurrently-in-transaction"),
                new Linter(true, null).lint("m.sql", "CREATE INDEX CONCURRENTLY i ON t (a);").findings().stream()
                        .map(f -> f.line() + " " + f.rule()).toList());
    }

    @Test
    void disableCommentsTurnRulesOffForAStatementOrTheFile() {
        FileLint lint = lint("""
                -- doppel:disable-file missing-lock-timeout
                -- doppel:disable create-index-not-concurrent
                CREATE INDEX a ON t (x);
                CREATE INDEX b ON t (y);
                DROP TABLE gone; -- doppel:disable drop-table
                """);
        assertEquals(List.of("4 create-index-not-concurrent"),
                lint.findings().stream().map(f -> f.line() + " " + f.rule()).toList());
        assertEquals(3, lint.suppressed());
    }

    @Test
    void metaCommandsAndUnlexableFilesAreFindings() {
        assertEquals(List.of("1 psql-meta-command"), rules("\\set ON_ERROR_STOP on\nSELECT 1;\n"));
        FileLint bad = lint("SELECT 1;\nSELECT $$never closed;\n");
        assertEquals("syntax-error", bad.findings().get(0).rule());
        assertEquals(2, bad.findings().get(0).line());
    }

    @Test
    void aWideningTypeChangeMayNotRewriteSoItIsOnlyAWarningOffline() {
        FileLint lint = lint("SET lock_timeout = '1s';\nALTER TABLE t ALTER COLUMN name TYPE varchar(200);\n");
        assertEquals(Severity.WARNING, lint.findings().get(0).severity());
        assertEquals("table-rewrite", lint.findings().get(0).rule());
    }

    @Test
    void theSaferFormIsTheStatementRewritten() {
        Finding f = lint("SET lock_timeout = '1s';\nCREATE UNIQUE INDEX IF NOT EXISTS i ON t (a);\n").findings().get(0);
        assertTrue(f.fix().startsWith("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);"), f.fix());
    }

    @Test
    void sarifNamesEveryRuleAndLocatesEachResult() {
        LintReport report = new LintReport(List.of(lint("CREATE INDEX a ON t (x);")));
        String sarif = Json.compact(report.toSarif());
        assertTrue(sarif.contains("\"version\":\"2.1.0\""), sarif);
        for (Rule rule : Rule.values()) {
            assertTrue(sarif.contains("\"id\":\"" + rule.id() + "\""), rule.id());
        }
        assertTrue(sarif.contains("{\"ruleId\":\"create-index-not-concurrent\",\"ruleIndex\":0,\"level\":\"error\""),
                sarif);
        assertTrue(sarif.contains("\"artifactLocation\":{\"uri\":\"m.sql\"},\"region\":{\"startLine\":1}"), sarif);
        assertEquals(1, report.count(Severity.ERROR));
        assertEquals(2, report.count(Severity.WARNING));
    }
}
