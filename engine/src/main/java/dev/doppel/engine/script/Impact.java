package dev.doppel.engine.script;

/**
 * The lock a statement takes as written, on what, and what it does meanwhile.
 *
 * @param mode   the strongest table lock it takes
 * @param on     the table (or index) it takes it on, as written; null when none
 * @param effect what it does to the data while holding it
 * @param why    for a rewrite or scan, which part of the statement causes it; null otherwise
 */
public record Impact(LockMode mode, String on, Effect effect, String why) {

    public static final Impact NONE = new Impact(LockMode.NONE, null, Effect.NONE, null);

    public String describe() {
        if (mode == LockMode.NONE) {
            return "no table lock";
        }
        return mode.sql() + " on " + on + " (blocks " + mode.blocks() + "); " + effect.words()
                + (why == null ? "" : ": " + why);
    }
}
