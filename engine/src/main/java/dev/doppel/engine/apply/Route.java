package dev.doppel.engine.apply;

import dev.doppel.engine.script.StatementShape;

/** How {@code doppel apply} makes one statement of a file. */
public enum Route {
    /** BEGIN, COMMIT, ROLLBACK: they group statements; apply keeps the grouping or refuses. */
    TRANSACTION("groups the statements around it into one transaction"),
    /** SET: applied to apply's own session, again on every run, never recorded as done. */
    SESSION("applied to the session of the statements run as written, on every run"),
    /** ALTER TABLE through the engine's planner, as {@code doppel run} makes it. */
    ONLINE_ALTER("through doppel's planner, as doppel run makes it: in place in short lock attempts, or through a"
            + " shadow table when PostgreSQL would rewrite"),
    CONCURRENT_INDEX("CREATE INDEX CONCURRENTLY outside any transaction; an invalid index left by a failure is"
            + " dropped, transient failures retried"),
    CONCURRENT_DROP_INDEX("DROP INDEX CONCURRENTLY outside any transaction"),
    /** Everything else, and any statement on a table the same file created. */
    AS_WRITTEN("as written, under a short lock_timeout, retried while the lock is not obtained"),
    /** A psql meta-command: there is no SQL to send. */
    REFUSED("refused: not SQL");

    private final String how;

    Route(String how) {
        this.how = how;
    }

    public String how() {
        return how;
    }

    /** Whether the route runs outside the file's transaction: inside BEGIN ... COMMIT it needs the block split. */
    public boolean needsOwnTransactions() {
        return this == ONLINE_ALTER || this == CONCURRENT_INDEX || this == CONCURRENT_DROP_INDEX;
    }

    /**
     * The route for a statement; {@code newTable} when it works on a table the same file created, which nothing else
     * uses yet, so it runs as written.
     */
    public static Route of(StatementShape shape, boolean newTable) {
        if (shape.isTransactionControl()) {
            return TRANSACTION;
        }
        return switch (shape.type()) {
            case SET -> SESSION;
            case META_COMMAND -> REFUSED;
            case ALTER_TABLE -> newTable || shape.alter() == null || shape.alter().isRepack() ? AS_WRITTEN : ONLINE_ALTER;
            case CREATE_INDEX -> newTable ? AS_WRITTEN : CONCURRENT_INDEX;
            case DROP_INDEX -> shape.detail() == null ? CONCURRENT_DROP_INDEX : AS_WRITTEN;
            default -> AS_WRITTEN;
        };
    }
}
