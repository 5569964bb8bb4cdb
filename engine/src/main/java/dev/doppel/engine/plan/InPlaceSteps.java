package dev.doppel.engine.plan;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * A change made on the table itself, without a rewrite: one ALTER under a short lock for everything PostgreSQL
 * changes in its catalog, with each check or foreign key that would scan the table under that lock added
 * {@code NOT VALID} instead and validated afterwards (which scans without blocking writes), and each
 * {@code SET NOT NULL} turned into a validated check that lets PostgreSQL skip its scan.
 *
 * @param locked        the ALTER made under the short lock
 * @param validate      constraints to VALIDATE afterwards, under SHARE UPDATE EXCLUSIVE (writers go on)
 * @param notNull       columns to SET NOT NULL afterwards, each proven by the check named {@link #notNullCheck}
 */
public record InPlaceSteps(AlterChange locked, List<String> validate, List<String> notNull) {

    /** Subcommands that change only the catalog unless PostgreSQL finds it must rewrite (which it is asked). */
    private static final Set<Subcommand.Kind> CATALOG = EnumSet.of(Subcommand.Kind.ADD_COLUMN,
            Subcommand.Kind.DROP_COLUMN, Subcommand.Kind.ALTER_COLUMN_TYPE, Subcommand.Kind.SET_DEFAULT,
            Subcommand.Kind.DROP_DEFAULT, Subcommand.Kind.DROP_NOT_NULL, Subcommand.Kind.RENAME_COLUMN,
            Subcommand.Kind.RENAME_CONSTRAINT, Subcommand.Kind.SET_STATISTICS, Subcommand.Kind.SET_COLUMN_STORAGE,
            Subcommand.Kind.SET_COMPRESSION, Subcommand.Kind.DROP_CONSTRAINT, Subcommand.Kind.DROP_IDENTITY,
            Subcommand.Kind.SET_IDENTITY, Subcommand.Kind.DROP_EXPRESSION, Subcommand.Kind.SET_STORAGE_PARAMETERS,
            Subcommand.Kind.RESET_STORAGE_PARAMETERS);

    /** The steps for {@code change}, or null when a subcommand needs the table scanned or rewritten under its lock. */
    public static InPlaceSteps of(AlterChange change) {
        List<String> locked = new ArrayList<>();
        List<String> validate = new ArrayList<>();
        List<String> notNull = new ArrayList<>();
        for (Subcommand sub : change.subcommands()) {
            if (CATALOG.contains(sub.kind())) {
                locked.add(sub.text());
            } else if (checkOrForeignKey(sub) && sub.notValid()) {
                locked.add(sub.text());
            } else if (checkOrForeignKey(sub) && sub.constraint() != null) {
                locked.add(sub.text() + " NOT VALID");
                validate.add(sub.constraint());
            } else if (sub.kind() == Subcommand.Kind.SET_NOT_NULL) {
                locked.add("ADD CONSTRAINT " + quote(notNullCheck(sub.column())) + " CHECK (" + quote(sub.column())
                        + " IS NOT NULL) NOT VALID");
                validate.add(notNullCheck(sub.column()));
                notNull.add(sub.column());
            } else {
                return null;
            }
        }
        // Validation can fail, and then doppel removes the constraints it added; other catalog changes committed in
        // the same step could not be taken back like that, so a mix goes through the (atomic) rewrite instead.
        boolean mixed = !validate.isEmpty() && change.subcommands().stream().anyMatch(sub -> CATALOG.contains(sub.kind()));
        return mixed ? null : new InPlaceSteps(AlterParser.parse(String.join(", ", locked)), validate, notNull);
    }

    private static boolean checkOrForeignKey(Subcommand sub) {
        return sub.kind() == Subcommand.Kind.ADD_CONSTRAINT && (sub.constraintType() == Subcommand.ConstraintType.CHECK
                || sub.constraintType() == Subcommand.ConstraintType.FOREIGN_KEY);
    }

    /** The temporary check proving a column NOT NULL, so that SET NOT NULL need not scan (PostgreSQL 12 on). */
    public static String notNullCheck(String column) {
        String name = "doppel_not_null_" + column;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** One line per step, for the plan. */
    public List<String> describe(String table) {
        List<String> out = new ArrayList<>();
        locked.statementsFor(table).forEach(st -> out.add("under a short ACCESS EXCLUSIVE lock: " + st));
        validate.forEach(c -> out.add("then, writers going on (SHARE UPDATE EXCLUSIVE): ALTER TABLE " + table
                + " VALIDATE CONSTRAINT " + quote(c)));
        notNull.forEach(c -> out.add("then, under a short lock, no scan: ALTER TABLE " + table + " ALTER COLUMN "
                + quote(c) + " SET NOT NULL; DROP CONSTRAINT " + quote(notNullCheck(c))));
        return out;
    }
}
