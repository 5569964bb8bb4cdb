package dev.doppel.engine.shadow;

/**
 * An outbound foreign key of the target schema. It is added to the new table inside the swap as NOT VALID (a
 * child row copied or re-synced while its parent changes must never fail the migration) and validated after.
 * A NOT VALID check constraint takes the same way, never validated: legacy rows may violate it.
 *
 * @param definition pg_get_constraintdef text without any NOT VALID suffix
 * @param validate   whether to VALIDATE it after the swap (false when it was NOT VALID already)
 */
public record ForeignKey(String name, String definition, boolean validate) {
}
