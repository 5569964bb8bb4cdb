package dev.doppel.engine.plan;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * A change made on the table itself, without a rewrite: one ALTER under a short lock for everything PostgreSQL
 * changes in its catalog, with each check or foreign key that would scan the table under that lock added
 * {@code NOT VALID} instead and validated afterwards (which scans without blocking writes), each
 * {@code SET NOT NULL} turned into a validated check that lets PostgreSQL skip its scan, and each UNIQUE or
 * PRIMARY KEY built as an index {@code CONCURRENTLY} and attached to its constraint under a short lock at the end.
 * A constraint the change drops beside such work is dropped in that last step, so that a failed validation or build
 * leaves it in place; one it re-adds under the same name (a key replaced by a wider one, a foreign key redefined) is
 * built or validated beside the old one, under a temporary name for a check or foreign key, and takes the old one's
 * place in the last step.
 *
 * @param locked   the ALTER made under the short lock first, or null when there is none
 * @param validate constraints to VALIDATE afterwards, under SHARE UPDATE EXCLUSIVE (writers go on)
 * @param existing those of {@code validate} the table had already (VALIDATE CONSTRAINT): a failed validation leaves
 *                 them NOT VALID, as the blocking VALIDATE would, where the ones doppel added are removed
 * @param notNull  columns to SET NOT NULL at the end, each proven by the check named {@link #notNullCheck}
 * @param uniques  the UNIQUE and PRIMARY KEY subcommands, resolved into {@code indexes} against the catalog
 * @param indexes  the indexes built concurrently and attached at the end; empty until {@link #withIndexes}
 * @param dropped  the DROP CONSTRAINT subcommands made in the last step, before the indexes are attached
 * @param renamed  temporary name -> the constraint's own name, for those added beside a dropped one of that name
 */
public record InPlaceSteps(AlterChange locked, List<String> validate, List<String> existing, List<String> notNull,
                           List<Subcommand> uniques, List<ConcurrentIndex> indexes, List<Subcommand> dropped,
                           Map<String, String> renamed) {

    /** "ADD CONSTRAINT name ...": the name, quoted or not, and what follows it. */
    private static final Pattern NAMED = Pattern.compile("(?is)^ADD\\s+CONSTRAINT\\s+(\"(?:[^\"]|\"\")*\"|\\S+)\\s+(.*)$");

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
        List<String> existing = new ArrayList<>();
        List<String> notNull = new ArrayList<>();
        List<Subcommand> uniques = new ArrayList<>();
        Map<String, String> renamed = new LinkedHashMap<>();
        boolean scans = change.subcommands().stream().anyMatch(sub -> uniqueOrPrimaryKey(sub)
                || checkOrForeignKey(sub) && !sub.notValid() || sub.kind() == Subcommand.Kind.SET_NOT_NULL
                || sub.kind() == Subcommand.Kind.VALIDATE_CONSTRAINT);
        List<Subcommand> dropped = scans ? change.subcommands(Subcommand.Kind.DROP_CONSTRAINT) : List.of();
        Set<String> droppedNames = dropped.stream().map(Subcommand::constraint).collect(Collectors.toSet());
        for (Subcommand sub : change.subcommands()) {
            if (uniqueOrPrimaryKey(sub)) {
                uniques.add(sub);
            } else if (dropped.contains(sub)) {
                continue;
            } else if (CATALOG.contains(sub.kind())) {
                locked.add(sub.text());
            } else if (checkOrForeignKey(sub) && sub.notValid()) {
                locked.add(sub.text());
            } else if (checkOrForeignKey(sub) && droppedNames.contains(sub.constraint())) {
                Matcher named = NAMED.matcher(sub.text());
                if (!named.matches()) {
                    return null;
                }
                String temporary = replacement(sub.constraint());
                locked.add("ADD CONSTRAINT " + quote(temporary) + " " + named.group(2) + " NOT VALID");
                validate.add(temporary);
                renamed.put(temporary, sub.constraint());
            } else if (checkOrForeignKey(sub) && sub.constraint() != null) {
                locked.add(sub.text() + " NOT VALID");
                validate.add(sub.constraint());
            } else if (sub.kind() == Subcommand.Kind.SET_NOT_NULL) {
                proveNotNull(sub.column(), locked, validate, notNull);
            } else if (sub.kind() == Subcommand.Kind.VALIDATE_CONSTRAINT) {
                validate.add(sub.constraint());
                existing.add(sub.constraint());
            } else {
                return null;
            }
        }
        // Validation and unique builds can fail, and then doppel removes what it added; other catalog changes
        // committed in the same step could not be taken back like that, so a mix goes through the (atomic) rewrite.
        // Drops wait for the last step, so they do not count.
        boolean mixed = (!validate.isEmpty() || !uniques.isEmpty()) && change.subcommands().stream()
                .anyMatch(sub -> CATALOG.contains(sub.kind()) && !dropped.contains(sub));
        return mixed ? null : new InPlaceSteps(locked.isEmpty() ? null : AlterParser.parse(String.join(", ", locked)),
                validate, existing, notNull, uniques, List.of(), dropped, Map.copyOf(renamed));
    }

    /**
     * These steps with the unique subcommands resolved into {@code indexes}; a primary key's columns that may still
     * hold nulls are proven NOT NULL first (as SET NOT NULL is), since attaching would otherwise scan under its lock.
     */
    public InPlaceSteps withIndexes(List<ConcurrentIndex> resolved, Set<String> nullable) {
        List<String> locking = new ArrayList<>(locked == null ? List.of() : List.of(locked.text()));
        List<String> validating = new ArrayList<>(validate);
        List<String> proving = new ArrayList<>(notNull);
        resolved.stream().filter(ConcurrentIndex::primaryKey).flatMap(i -> i.columns().stream())
                .filter(c -> nullable.contains(c) && !proving.contains(c))
                .forEach(c -> proveNotNull(c, locking, validating, proving));
        return new InPlaceSteps(locking.isEmpty() ? null : AlterParser.parse(String.join(", ", locking)), validating,
                existing, proving, uniques, List.copyOf(resolved), dropped, renamed);
    }

    /**
     * The statements of the last, short-locked step: SET NOT NULL where proven, the constraints dropped, the indexes
     * attached (taking a dropped key's name) and the constraints added beside dropped ones given their names.
     */
    public List<String> finish(String table) {
        List<String> out = new ArrayList<>();
        for (String column : notNull) {
            out.add("ALTER TABLE " + table + " ALTER COLUMN " + quote(column) + " SET NOT NULL");
            out.add("ALTER TABLE " + table + " DROP CONSTRAINT " + quote(notNullCheck(column)));
        }
        if (!dropped.isEmpty()) {
            out.add("ALTER TABLE " + table + " " + String.join(", ", dropped.stream().map(Subcommand::text).toList()));
        }
        indexes.forEach(i -> out.add(i.attach(table)));
        renamed.forEach((temporary, name) -> out.add("ALTER TABLE " + table + " RENAME CONSTRAINT " + quote(temporary)
                + " TO " + quote(name)));
        return out;
    }

    /** The subcommands PostgreSQL applies to work out the indexes: the drops first, as the blocking ALTER does. */
    public AlterChange keyChange() {
        List<String> texts = new ArrayList<>(dropped.stream().map(Subcommand::text).toList());
        uniques.forEach(u -> texts.add(u.text()));
        return AlterParser.parse(String.join(", ", texts));
    }

    private static void proveNotNull(String column, List<String> locked, List<String> validate, List<String> notNull) {
        locked.add("ADD CONSTRAINT " + quote(notNullCheck(column)) + " CHECK (" + quote(column) + " IS NOT NULL) NOT VALID");
        validate.add(notNullCheck(column));
        notNull.add(column);
    }

    private static boolean uniqueOrPrimaryKey(Subcommand sub) {
        return sub.kind() == Subcommand.Kind.ADD_CONSTRAINT && (sub.constraintType() == Subcommand.ConstraintType.UNIQUE
                || sub.constraintType() == Subcommand.ConstraintType.PRIMARY_KEY)
                && !sub.text().toUpperCase(java.util.Locale.ROOT).matches("(?s).*\\bUSING\\s+INDEX\\s+(?!TABLESPACE\\b).*");
    }

    private static boolean checkOrForeignKey(Subcommand sub) {
        return sub.kind() == Subcommand.Kind.ADD_CONSTRAINT && (sub.constraintType() == Subcommand.ConstraintType.CHECK
                || sub.constraintType() == Subcommand.ConstraintType.FOREIGN_KEY);
    }

    /** The constraints doppel adds NOT VALID to validate, which it removes again when a validation fails. */
    public List<String> added() {
        return validate.stream().filter(c -> !existing.contains(c)).toList();
    }

    /** How {@code sub} is made in place, for the plan. */
    public static String route(Subcommand sub) {
        if (uniqueOrPrimaryKey(sub)) {
            return "index built CONCURRENTLY, then attached with ADD CONSTRAINT ... USING INDEX under a short lock";
        }
        if (checkOrForeignKey(sub) && !sub.notValid()) {
            return "added NOT VALID under a short lock, then validated while writers go on";
        }
        if (sub.kind() == Subcommand.Kind.VALIDATE_CONSTRAINT) {
            return "validated on the table under SHARE UPDATE EXCLUSIVE while writers go on, no rewrite";
        }
        if (sub.kind() == Subcommand.Kind.SET_NOT_NULL) {
            return "proven by a validated CHECK, then SET NOT NULL under a short lock without a scan";
        }
        return "catalog only, under a short lock";
    }

    /** The temporary name of a constraint added beside the dropped one whose name it takes in the last step. */
    public static String replacement(String constraint) {
        String name = "doppel_new_" + constraint;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** The temporary check proving a column NOT NULL, so that SET NOT NULL need not scan (PostgreSQL 12 on). */
    public static String notNullCheck(String column) {
        String name = "doppel_not_null_" + column;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }
}
