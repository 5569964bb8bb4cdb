package dev.doppel.cli;

/** The help text that documents the exit status; the engine's {@link dev.doppel.engine.Reason} decides it. */
final class ExitCodes {

    static final int OK = 0;
    static final int FAILED = 1;
    // 2, a usage error, is picocli's own: it returns it for every option it cannot parse or we reject.
    /** doppel lint: a finding at or above --fail-on. */
    static final int FINDINGS = 7;

    static final String HEADING = "%nExit codes:%n";
    static final String OK_LINE = "0:success";
    static final String DONE_LINE = "0:success, or the change was already done (nothing was changed)";
    static final String FAILED_LINE = "1:failed; the message says what happened and whether the table changed";
    static final String USAGE_LINE = "2:usage error: an unknown, missing or invalid option";
    static final String REFUSED_LINE = "3:refused by the preflight checks, before anything was created; the message"
            + " names the object and the fix";
    /** Also covers refusals outside the preflight checks, e.g. a migration another doppel process holds. */
    static final String REFUSED_UNCHANGED_LINE = "3:refused, nothing was changed; the message names the reason and"
            + " the fix";

    static final String MISMATCH_LINE = "4:verification found the tables different; the shadow was removed and the"
            + " table is as it was, with the application's writes";
    static final String STOPPED_LINE = "5:stopped, resumable: a lock not obtained, a lost connection, Ctrl-C or"
            + " SIGTERM; `doppel resume ID` goes on, `doppel abort ID` undoes (before the swap)";
    static final String LINT_OK_LINE = "0:no finding at or above --fail-on";
    static final String FINDINGS_LINE = "7:findings at or above --fail-on (a file that does not lex is an error"
            + " finding, syntax-error)";
    static final String JOB_STOPPED_LINE = "5:stopped at a batch boundary, resumable: Ctrl-C or SIGTERM, rows that"
            + " stayed locked, a lost connection; the same command or `doppel resume ID` goes on, `doppel abort ID`"
            + " ends it (its changes stay)";
    static final String RUNNING_LINE = "6:another doppel process is working on this table or migration";

    private ExitCodes() {
    }
}
