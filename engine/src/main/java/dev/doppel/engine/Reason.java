package dev.doppel.engine;

import java.util.Locale;

/**
 * Why doppel refused, stopped or failed: a stable code for scripts ({@link #code()}, e.g. "no_usable_key"), what
 * kind of end it is, and so the exit status the CLI returns. The engine, the JSON reports and the CLI all read
 * these from here, so a reason is classified once.
 */
public enum Reason {
    TABLE_NOT_FOUND(Kind.REFUSED),
    NO_USABLE_KEY(Kind.REFUSED),
    UNSUPPORTED_ALTER(Kind.REFUSED),
    UNPARSABLE_ALTER(Kind.REFUSED),
    /** PostgreSQL rejects the change; raised by the shadow build too, which then removes what it had created. */
    INVALID_ALTER(Kind.REFUSED, true),
    UNSUPPORTED_DEPENDENTS(Kind.REFUSED),
    LEFTOVER(Kind.REFUSED),
    KEY_LOST(Kind.REFUSED),
    TABLE_MISMATCH(Kind.REFUSED),
    UNSUPPORTED_KEY_CHANGE(Kind.REFUSED),
    RESERVED_COLUMN(Kind.REFUSED),
    VIEW_BREAKS(Kind.REFUSED),
    MIGRATION_NOT_FOUND(Kind.REFUSED),
    NOT_RESUMABLE(Kind.REFUSED),
    ALREADY_SWAPPED(Kind.REFUSED),
    REWRITE_NEEDED(Kind.REFUSED),
    NOT_REVERTABLE(Kind.REFUSED),
    REVERT_LOSSY(Kind.REFUSED),
    INVALID_REVERT_USING(Kind.REFUSED),
    DISK_SPACE(Kind.REFUSED),
    CAPTURE_UNAVAILABLE(Kind.REFUSED),
    /** The table's row-level security applies to doppel's role, which must read every row. */
    ROW_SECURITY(Kind.REFUSED),
    /** A revert window's trigger asked for together with logical capture, which keeps triggers off the write path. */
    REVERT_WINDOW_LOGICAL(Kind.REFUSED),
    /**
     * What doppel does not offer for partitioned tables yet: a revert window (of a tree, or of a change that
     * partitions a table), a repack order.
     */
    PARTITIONED_UNSUPPORTED(Kind.REFUSED),
    /** A migration file does not lex; lint reports it as a syntax-error finding instead. */
    UNPARSABLE_SQL(Kind.REFUSED),
    FILE_UNREADABLE(Kind.REFUSED),
    /** apply: a psql meta-command, a ROLLBACK or an unclosed BEGIN in the file. */
    UNSUPPORTED_STATEMENT(Kind.REFUSED),
    /** apply: a BEGIN ... COMMIT holds a statement made online, and splitting it was not allowed. */
    TRANSACTION_SPLIT_NEEDED(Kind.REFUSED),
    /** apply: statements recorded as applied differ from the file now. */
    SCRIPT_CHANGED(Kind.REFUSED),
    /** A Citus distributed, reference or local table, or a shard of one. */
    DISTRIBUTED_TABLE(Kind.REFUSED),
    /** A fleet's target list that cannot be read. */
    INVALID_TARGETS(Kind.REFUSED),
    /** A data job's SET list, predicate or archive PostgreSQL or doppel rejects, or its first batch failed. */
    INVALID_JOB(Kind.REFUSED),
    /** A data-job operation given a schema migration's id. */
    NOT_A_JOB(Kind.REFUSED),
    NOT_A_MIGRATION(Kind.REFUSED),
    ALREADY_RUNNING(Kind.RUNNING),
    STOPPED(Kind.STOPPED),
    INTERRUPTED(Kind.STOPPED),
    /** Writes after the copy break a unique or exclusion constraint the change adds; resumable once changed. */
    REPLAY_CONFLICT(Kind.STOPPED),
    VERIFY_MISMATCH(Kind.MISMATCH, true),
    COPY_FAILED(Kind.FAILED, true),
    INDEX_FAILED(Kind.FAILED, true),
    SOURCE_CHANGED(Kind.FAILED, true),
    /** doppel's capture trigger was disabled: writes went unlogged, so the shadow cannot be trusted. */
    CAPTURE_DISABLED(Kind.FAILED, true),
    VALIDATION_FAILED(Kind.FAILED),
    VERIFY_STARVED(Kind.FAILED),
    CAPTURE_FAILED(Kind.FAILED),
    THROTTLE_CRITICAL(Kind.FAILED),
    LOCK_TIMEOUT(Kind.FAILED),
    /** A data job's batch failed on the data after earlier batches committed; resumable once the rows are fixed. */
    BATCH_FAILED(Kind.FAILED),
    DATABASE_ERROR(Kind.FAILED),
    /** apply: a file's statement failed in PostgreSQL; the statements before it are applied and recorded. */
    STATEMENT_FAILED(Kind.FAILED);

    /** How a command ended, as a script tells it apart: the exit status and the word the reports use. */
    public enum Kind {
        /** Refused before changing anything: the database is exactly as it was. */
        REFUSED(3, "refused"),
        /** Verification found the tables different; the shadow was removed. */
        MISMATCH(4, "failed"),
        /** Stopped and resumable: `doppel resume` goes on, `doppel abort` undoes. */
        STOPPED(5, "stopped"),
        /** Another doppel process works on the table or migration. */
        RUNNING(6, "refused"),
        /** Failed; the message says what happened and whether the table changed. */
        FAILED(1, "failed");

        private final int exitCode;
        private final String word;

        Kind(int exitCode, String word) {
            this.exitCode = exitCode;
            this.word = word;
        }

        public int exitCode() {
            return exitCode;
        }

        public String word() {
            return word;
        }
    }

    private final Kind kind;
    private final boolean destructive;

    Reason(Kind kind) {
        this(kind, false);
    }

    Reason(Kind kind, boolean destructive) {
        this.kind = kind;
        this.destructive = destructive;
    }

    /** The stable machine-readable code: the constant's name in lower case. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Kind kind() {
        return kind;
    }

    public int exitCode() {
        return kind.exitCode();
    }

    /**
     * True when a migration that fails for this reason before its swap cannot be resumed (bad data for the change,
     * a mismatch, changed DDL): what it created is removed and the source is left as it was.
     */
    public boolean destructive() {
        return destructive;
    }

    @Override
    public String toString() {
        return code();
    }
}
