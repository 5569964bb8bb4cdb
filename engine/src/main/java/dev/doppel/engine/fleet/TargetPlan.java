package dev.doppel.engine.fleet;

import dev.doppel.engine.Plan;

/**
 * What the fleet's checks found on one target before anything starts.
 *
 * @param verdict  whether the change can go ahead there, and if not, why
 * @param reason   a stable code for scripts: the verdict's, or the engine's refusal reason for REFUSED
 * @param detail   a sentence for people
 * @param plan     the engine's plan for a target that is READY, else null
 * @param rows     the table's estimated rows (0 when unknown)
 * @param migrationId the migration of this change already there (done, or to resume), else 0
 */
public record TargetPlan(Target target, Verdict verdict, String reason, String detail, Plan plan, long rows,
                         long migrationId) {

    /** What the checks concluded. */
    public enum Verdict {
        /** The change can start here. */
        READY(true),
        /** An unfinished migration of this change exists here; the run resumes it. */
        RESUME(true),
        /** The change was made here already, and the table still has the definition it left. */
        DONE(true),
        /** The database cannot be reached (or refused the login). */
        UNREACHABLE(false),
        /** The table does not exist here. */
        MISSING_TABLE(false),
        /** The table here is defined differently from the other targets'. */
        DIFFERENT_TABLE(false),
        /** An earlier line names the same database. */
        DUPLICATE(false),
        /** Another doppel process is working on this table here now. */
        RUNNING(false),
        /** The engine's own checks refuse the change here (no usable key, a Citus distributed table, ...). */
        REFUSED(false);

        private final boolean proceeds;

        Verdict(boolean proceeds) {
            this.proceeds = proceeds;
        }

        /** Whether a fleet run goes ahead on this target. */
        public boolean proceeds() {
            return proceeds;
        }

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean proceeds() {
        return verdict.proceeds();
    }
}
