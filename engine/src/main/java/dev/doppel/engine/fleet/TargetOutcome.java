package dev.doppel.engine.fleet;

import dev.doppel.engine.Applied;

/**
 * How the fleet's run ended on one target.
 *
 * @param migrationId the target's migration of this change; 0 when none was started
 * @param reason      the engine's reason code when it failed or stopped, the check's when skipped; else null
 * @param applied     what the engine did, when it finished; else null
 */
public record TargetOutcome(Target target, Status status, long migrationId, String reason, String message,
                            Applied applied) {

    /** The end state of one target in one fleet run. */
    public enum Status {
        /** The change was made (started or resumed) and cut over. */
        SUCCEEDED,
        /** The change had been made already; nothing was changed. */
        ALREADY_DONE,
        /** The engine refused or failed; what it did is recorded in the target. */
        FAILED,
        /** Stopped, resumable: a lost connection, a lock not obtained, or the fleet stopping it. */
        STOPPED,
        /** Not started: an earlier failure stopped the fleet first. */
        NOT_STARTED,
        /** Left out by the fleet's checks (run with keep-going). */
        SKIPPED;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public boolean ok() {
            return this == SUCCEEDED || this == ALREADY_DONE;
        }
    }
}
