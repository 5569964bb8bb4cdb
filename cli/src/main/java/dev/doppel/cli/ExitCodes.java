package dev.doppel.cli;

import dev.doppel.engine.DoppelException;

import java.util.Set;

/** What the exit status tells a script, and the help text that documents it. */
final class ExitCodes {

    static final int OK = 0;
    static final int FAILED = 1;
    /** 2, a usage error, is picocli's own: it returns it for every option it cannot parse or we reject. */
    static final int REFUSED = 3;

    static final String HEADING = "%nExit codes:%n";
    static final String OK_LINE = "0:success";
    static final String FAILED_LINE = "1:failed; the message says what happened and whether the table changed";
    static final String USAGE_LINE = "2:usage error: an unknown, missing or invalid option";
    static final String REFUSED_LINE = "3:refused by the preflight checks, before anything was created; the message"
            + " names the object and the fix";

    /** The engine's refusals: the table or the change is not fit to migrate, and nothing was created. */
    private static final Set<String> PREFLIGHT_REFUSALS = Set.of("table_not_found", "no_usable_key",
            "unsupported_alter", "unparsable_alter", "invalid_alter", "unsupported_dependents", "leftover",
            "already_running", "key_lost", "table_mismatch", "unsupported_key_change", "reserved_column");

    private ExitCodes() {
    }

    static int of(DoppelException e) {
        return PREFLIGHT_REFUSALS.contains(e.reason()) ? REFUSED : FAILED;
    }
}
