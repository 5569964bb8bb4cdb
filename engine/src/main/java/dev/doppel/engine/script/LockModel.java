package dev.doppel.engine.script;

import dev.doppel.engine.plan.QualifiedName;
import dev.doppel.engine.plan.Subcommand;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lock each statement takes as written, per PostgreSQL's documentation of each command and ALTER TABLE
 * subcommand. Offline it cannot know the old type of a column: a type change counts as a rewrite unless it can only
 * be a binary-coercible widening, which {@code plan} (given a connection) settles.
 */
public final class LockModel {

    /** Defaults PostgreSQL evaluates per row, so ADD COLUMN cannot store one value in the catalog. */
    private static final Pattern VOLATILE_DEFAULT = Pattern.compile("(?is).*\\bdefault\\b.*\\b(random|gen_random_uuid"
            + "|uuid_generate_v[14]\\w*|clock_timestamp|timeofday|nextval|txid_current|statement_timestamp)\\s*\\(.*");
    private static final Pattern GENERATED_STORED = Pattern.compile("(?is).*\\bgenerated\\s+always\\s+as\\s*\\(.*");
    private static final Pattern IDENTITY = Pattern.compile("(?is).*\\bgenerated\\s+(always|by\\s+default)\\s+as"
            + "\\s+identity\\b.*");
    private static final Pattern SERIAL = Pattern.compile("(?i)(small|big)?serial[248]?");
    /** Target types a binary-coercible change may end in (varchar widening, varchar to text, numeric precision). */
    private static final Pattern MAYBE_BINARY = Pattern.compile("(?is)\\s*(text|varchar|character\\s+varying|"
            + "numeric|decimal|citext)\\b.*");

    private static final Pattern LOCK_MODE = Pattern.compile("(?s).*\\bin\\s+([a-z ]+?)\\s+mode\\b.*");

    private LockModel() {
    }

    /** @param text the statement as written */
    public static Impact of(StatementShape shape, String text) {
        String table = display(shape.table());
        String lower = text.toLowerCase(Locale.ROOT);
        return switch (shape.type()) {
            case ALTER_TABLE -> shape.alter() == null ? unparsedAlter(lower, table) : alter(shape, table);
            case CREATE_INDEX -> shape.concurrently()
                    ? new Impact(LockMode.SHARE_UPDATE_EXCLUSIVE, table, Effect.SCAN, "builds the index in two passes")
                    : new Impact(LockMode.SHARE, table, Effect.SCAN, "builds the index");
            case DROP_INDEX -> new Impact(shape.concurrently() ? LockMode.SHARE_UPDATE_EXCLUSIVE
                    : LockMode.ACCESS_EXCLUSIVE, "the table of index " + table, Effect.CATALOG, null);
            case DROP_TABLE, TRUNCATE -> new Impact(LockMode.ACCESS_EXCLUSIVE, table, Effect.CATALOG, null);
            case REINDEX -> new Impact(shape.concurrently() ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.SHARE,
                    "the tables it names", Effect.SCAN, "rebuilds the indexes");
            case VACUUM -> "full".equals(shape.detail())
                    ? new Impact(LockMode.ACCESS_EXCLUSIVE, "the tables it names", Effect.REWRITE, "VACUUM FULL")
                    : new Impact(LockMode.SHARE_UPDATE_EXCLUSIVE, "the tables it names", Effect.SCAN, null);
            case CLUSTER -> new Impact(LockMode.ACCESS_EXCLUSIVE, table == null ? "the tables it names" : table,
                    Effect.REWRITE, "CLUSTER");
            case REFRESH_MATERIALIZED_VIEW -> new Impact(shape.concurrently() ? LockMode.EXCLUSIVE
                    : LockMode.ACCESS_EXCLUSIVE, table, Effect.REWRITE, "recomputes the view");
            case CREATE_TRIGGER -> new Impact(LockMode.SHARE_ROW_EXCLUSIVE, table, Effect.CATALOG, null);
            case LOCK -> new Impact(lockStatementMode(lower), table, Effect.NONE, null);
            case INSERT -> new Impact(LockMode.ROW_EXCLUSIVE, table, Effect.NONE, null);
            case UPDATE, DELETE -> new Impact(LockMode.ROW_EXCLUSIVE, table, shape.detail() == null ? Effect.NONE
                    : Effect.SCAN, shape.detail() == null ? null : "writes every row, locking each until commit");
            default -> Impact.NONE;
        };
    }

    /** The strongest lock and the worst effect over the subcommands. */
    private static Impact alter(StatementShape shape, String table) {
        LockMode mode = LockMode.NONE;
        Effect effect = Effect.NONE;
        String why = null;
        for (Subcommand sub : shape.alter().subcommands()) {
            LockMode m = mode(sub);
            Effect e = effect(sub);
            mode = LockMode.max(mode, m);
            if (e.compareTo(effect) > 0) {
                effect = e;
                why = e == Effect.SCAN || e == Effect.REWRITE ? sub.text() : null;
            }
        }
        return new Impact(mode, table, effect, why);
    }

    public static LockMode mode(Subcommand sub) {
        return switch (sub.kind()) {
            case VALIDATE_CONSTRAINT, SET_STATISTICS -> LockMode.SHARE_UPDATE_EXCLUSIVE;
            case ADD_CONSTRAINT -> sub.constraintType() == Subcommand.ConstraintType.FOREIGN_KEY
                    ? LockMode.SHARE_ROW_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE;
            default -> LockMode.ACCESS_EXCLUSIVE;
        };
    }

    public static Effect effect(Subcommand sub) {
        return switch (sub.kind()) {
            case ADD_COLUMN -> addColumnRewrites(sub) ? Effect.REWRITE : Effect.CATALOG;
            case ALTER_COLUMN_TYPE -> Effect.REWRITE;
            case SET_NOT_NULL, VALIDATE_CONSTRAINT -> Effect.SCAN;
            case ADD_CONSTRAINT -> sub.notValid() || usingIndex(sub) ? Effect.CATALOG : Effect.SCAN;
            default -> Effect.CATALOG;
        };
    }

    public static boolean addColumnRewrites(Subcommand sub) {
        String text = sub.text();
        return VOLATILE_DEFAULT.matcher(text).matches() || GENERATED_STORED.matcher(text).matches()
                || IDENTITY.matcher(text).matches() || sub.type() != null && SERIAL.matcher(sub.type().strip()).matches();
    }

    /** A type change that may be a binary-coercible widening, which PostgreSQL makes without a rewrite. */
    public static boolean mayBeBinaryCoercible(Subcommand sub) {
        return sub.kind() == Subcommand.Kind.ALTER_COLUMN_TYPE && sub.using() == null && sub.type() != null
                && MAYBE_BINARY.matcher(sub.type()).matches();
    }

    public static boolean usingIndex(Subcommand sub) {
        return sub.text().toUpperCase(Locale.ROOT).matches("(?s).*\\bUSING\\s+INDEX\\s+(?!TABLESPACE\\b).*");
    }

    /** ALTER TABLE forms doppel's parser does not take (RENAME TO, SET TABLESPACE, ATTACH PARTITION, ...). */
    private static Impact unparsedAlter(String lowerText, String table) {
        if (lowerText.matches("(?s).*\\bset\\s+(tablespace|logged|unlogged|access\\s+method)\\b.*")) {
            return new Impact(LockMode.ACCESS_EXCLUSIVE, table, Effect.REWRITE, "moves or rewrites the table's files");
        }
        if (lowerText.matches("(?s).*\\battach\\s+partition\\b.*")) {
            return new Impact(LockMode.SHARE_UPDATE_EXCLUSIVE, table, Effect.SCAN,
                    "scans the partition unless a CHECK proves its bounds");
        }
        if (lowerText.matches("(?s).*\\b(enable|disable)\\s+trigger\\b.*")) {
            return new Impact(LockMode.SHARE_ROW_EXCLUSIVE, table, Effect.CATALOG, null);
        }
        return new Impact(LockMode.ACCESS_EXCLUSIVE, table, Effect.CATALOG, null);
    }

    /** LOCK TABLE ... IN mode MODE; ACCESS EXCLUSIVE when no mode is given. */
    private static LockMode lockStatementMode(String lowerText) {
        Matcher m = LOCK_MODE.matcher(lowerText);
        if (!m.matches()) {
            return LockMode.ACCESS_EXCLUSIVE;
        }
        String mode = m.group(1).replaceAll("\\s+", " ").strip().toUpperCase(Locale.ROOT);
        for (LockMode candidate : LockMode.values()) {
            if (candidate.sql().equals(mode)) {
                return candidate;
            }
        }
        return mode.equals("ROW SHARE") || mode.equals("ACCESS SHARE") ? LockMode.NONE : LockMode.ACCESS_EXCLUSIVE;
    }

    public static String display(QualifiedName name) {
        if (name == null) {
            return null;
        }
        return name.schema() == null ? name.name() : name.schema() + "." + name.name();
    }
}
