package dev.doppel.cli;

import dev.doppel.engine.DoppelException;

/** What the exit status tells a script, and the help text that documents it. */
final class ExitCodes {

    static final int OK = 0;
    static final int FAILED = 1;
    /** 2, a usage error, is picocli's own: it returns it for every option it cannot parse or we reject. */
    static final int REFUSED = 3;

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

    private ExitCodes() {
    }

    static int of(DoppelException e) {
        return e.isRefusal() ? REFUSED : FAILED;
    }
}
