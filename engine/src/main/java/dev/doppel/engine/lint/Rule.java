package dev.doppel.engine.lint;

import java.util.Arrays;
import java.util.Optional;

/**
 * The lint rules. Each name is stable (it is what a {@code -- doppel:disable NAME} comment and a SARIF result refer
 * to) and documented under the same heading in docs/lint-rules.md.
 */
public enum Rule {
    CREATE_INDEX_NOT_CONCURRENT("create-index-not-concurrent", Severity.ERROR,
            "CREATE INDEX without CONCURRENTLY blocks writes to the table for the whole build"),
    DROP_INDEX_NOT_CONCURRENT("drop-index-not-concurrent", Severity.WARNING,
            "DROP INDEX without CONCURRENTLY waits for ACCESS EXCLUSIVE on the table"),
    REINDEX_NOT_CONCURRENT("reindex-not-concurrent", Severity.ERROR,
            "REINDEX without CONCURRENTLY blocks writes for the whole rebuild"),
    CONSTRAINT_WITHOUT_NOT_VALID("constraint-without-not-valid", Severity.ERROR,
            "a CHECK or FOREIGN KEY added without NOT VALID scans the table under its lock"),
    UNIQUE_CONSTRAINT_BUILDS_INDEX("unique-constraint-builds-index", Severity.ERROR,
            "ADD UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE"),
    TABLE_REWRITE("table-rewrite", Severity.ERROR,
            "the statement rewrites the table and its indexes under ACCESS EXCLUSIVE"),
    SET_NOT_NULL_SCAN("set-not-null-scan", Severity.ERROR,
            "SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK proves it"),
    MISSING_LOCK_TIMEOUT("missing-lock-timeout", Severity.WARNING,
            "a lock that blocks writes is requested with no lock_timeout: while it waits, every query queues"),
    LONG_TRANSACTION_LOCKS("long-transaction-locks", Severity.WARNING,
            "a transaction keeps a blocking lock while it goes on to scan, rewrite or lock more"),
    CONCURRENTLY_IN_TRANSACTION("concurrently-in-transaction", Severity.ERROR,
            "a CONCURRENTLY statement or VACUUM cannot run inside a transaction block"),
    RENAME_BREAKS_CLIENTS("rename-breaks-clients", Severity.WARNING,
            "renaming a table or column breaks the application version still running"),
    DROP_COLUMN("drop-column", Severity.WARNING,
            "dropping a column breaks the application version that still reads it"),
    DROP_TABLE("drop-table", Severity.WARNING,
            "dropping a table breaks the application version that still uses it; the data is gone"),
    REFRESH_NOT_CONCURRENT("refresh-not-concurrent", Severity.WARNING,
            "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view"),
    BACKFILL_IN_MIGRATION("backfill-in-migration", Severity.WARNING,
            "an UPDATE or DELETE of every row runs as one transaction that locks every row"),
    UNCLOSED_TRANSACTION("unclosed-transaction", Severity.ERROR,
            "a BEGIN without COMMIT: the tool rolls the file back at the end"),
    PSQL_META_COMMAND("psql-meta-command", Severity.WARNING,
            "a psql meta-command is not SQL: migration tools and doppel apply cannot run it"),
    SYNTAX_ERROR("syntax-error", Severity.ERROR,
            "the file does not lex as PostgreSQL SQL");

    private final String id;
    private final Severity severity;
    private final String summary;

    Rule(String id, Severity severity, String summary) {
        this.id = id;
        this.severity = severity;
        this.summary = summary;
    }

    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }

    public String summary() {
        return summary;
    }

    /** Where the rule is documented, relative to the repository root. */
    public String doc() {
        return "docs/lint-rules.md#" + id;
    }

    public static Optional<Rule> byId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }
}
