package dev.doppel.engine.lint;

import dev.doppel.engine.script.Effect;
import dev.doppel.engine.script.Impact;
import dev.doppel.engine.script.LockMode;
import dev.doppel.engine.script.LockModel;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.apply.Route;
import dev.doppel.engine.plan.InPlaceSteps;
import dev.doppel.engine.plan.QualifiedName;
import dev.doppel.engine.plan.Subcommand;
import dev.doppel.engine.script.ScriptStatement;
import dev.doppel.engine.script.SqlScript;
import dev.doppel.engine.script.StatementShape;
import dev.doppel.engine.script.TransactionBlocks;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lints migration files, one at a time and in order, the way they would run: tables a file creates are new (nothing
 * waits on them), a {@code SET lock_timeout} covers what follows it, and a transaction holds every lock it took
 * until its end.
 */
public final class Linter {

    private static final Pattern AT_LINE = Pattern.compile("at line (\\d+)");
    /** A check that proves a column NOT NULL, in the lower-cased, unquoted text of its subcommand. */
    private static final Pattern NOT_NULL_CHECK = Pattern.compile("check \\( ?(\\S+) is not null ?\\)");

    private final boolean singleTransaction;
    private final TableSizes sizes;

    /**
     * @param singleTransaction the files run each in one transaction (psql -1, Flyway's default), not only inside
     *                          their own BEGIN ... COMMIT
     * @param dataSource        where to read sizes and ask {@code plan}; null lints offline
     */
    public Linter(boolean singleTransaction, DataSource dataSource) {
        this.singleTransaction = singleTransaction;
        this.sizes = dataSource == null ? null : new TableSizes(dataSource);
    }

    public LintReport lint(List<SqlScript> scripts) {
        return new LintReport(scripts.stream().map(this::lint).toList());
    }

    /** Lints a file's text; one that does not lex gets a report with its one syntax-error finding. */
    public FileLint lint(String name, String text) {
        SqlScript script;
        try {
            script = SqlScript.parse(name, text);
        } catch (DoppelException e) {
            if (e.reason() != Reason.UNPARSABLE_SQL) {
                throw e;
            }
            return unparsable(name, e);
        }
        return lint(script);
    }

    private static FileLint unparsable(String file, DoppelException e) {
        Finding f = new Finding(Rule.SYNTAX_ERROR.id(), Severity.ERROR, file, lineOf(e.getMessage()), 0,
                e.getMessage(), "fix the SQL; PostgreSQL would reject it too");
        return new FileLint(file, List.of(), List.of(f), 0);
    }

    public FileLint lint(SqlScript script) {
        List<ScriptStatement> statements = script.statements();
        List<StatementShape> shapes = statements.stream().map(StatementShape::of).toList();
        TransactionBlocks blocks = TransactionBlocks.of(shapes);
        FileState state = new FileState(script);
        List<StatementLint> out = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            ScriptStatement st = statements.get(i);
            StatementShape shape = shapes.get(i);
            boolean inTransaction = singleTransaction || blocks.around(i) != null;
            if (!singleTransaction && shape.isTransactionControl()) {
                state.held.clear();
                state.localLockTimeout = false;
            }
            out.add(state.statement(st, shape, inTransaction));
        }
        for (TransactionBlocks.Block b : blocks.blocks()) {
            if (!b.closed()) {
                state.report(statements.get(b.begin()), Rule.UNCLOSED_TRANSACTION, Rule.UNCLOSED_TRANSACTION.severity(),
                        "the transaction begun here is never committed: the statements after it are rolled back",
                        "end the block with COMMIT");
            }
        }
        return new FileLint(script.name(), rebuild(out, state.findings), state.findings, state.suppressed);
    }

    /** The statements with the file's findings sorted in, including those raised after the statement's turn. */
    private static List<StatementLint> rebuild(List<StatementLint> statements, List<Finding> findings) {
        return statements.stream().map(s -> new StatementLint(s.statement(), s.line(), s.text(), s.kind(), s.lock(),
                s.on(), s.effect(), s.impact(), s.apply(), s.sizing(),
                findings.stream().filter(f -> f.statement() == s.statement()).toList())).toList();
    }

    private static int lineOf(String message) {
        Matcher m = AT_LINE.matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    /** What a file has done so far, as its statements are read in order. */
    private final class FileState {
        private final SqlScript script;
        private final Set<String> created = new HashSet<>();
        private final Map<String, String> notNullChecks = new HashMap<>();
        private final Set<String> provenNotNull = new HashSet<>();
        private final List<Held> held = new ArrayList<>();
        private final List<Finding> findings = new ArrayList<>();
        private boolean lockTimeout;
        /** A SET LOCAL lock_timeout, in force to the end of the transaction. */
        private boolean localLockTimeout;
        private boolean lockTimeoutReported;
        private int suppressed;

        private record Held(String on, LockMode mode, int line) {
        }

        FileState(SqlScript script) {
            this.script = script;
        }

        StatementLint statement(ScriptStatement st, StatementShape shape, boolean inTransaction) {
            Impact impact = LockModel.of(shape, st.text());
            boolean fresh = shape.table() != null && created.contains(key(shape.table()));
            Sizing sizing = null;
            if (shape.type() == StatementShape.Type.CREATE_TABLE && shape.table() != null) {
                created.add(key(shape.table()));
            } else if (!fresh && sizes != null && shape.table() != null && impact.mode() != LockMode.NONE) {
                sizing = sizes.of(shape, st.text());
            }
            if (shape.type() == StatementShape.Type.SET && "lock_timeout".equals(shape.name())) {
                boolean set = !shape.detail().replaceAll("['\"\\s]", "").matches("0(ms|s)?|default|");
                if (shape.unique()) {
                    localLockTimeout = set;
                } else {
                    lockTimeout = set;
                }
            }
            check(st, shape, impact, fresh, inTransaction, sizing);
            return new StatementLint(st.ordinal(), st.line(), st.summary(), shape.describe(), impact.mode().sql(),
                    impact.on(), impact.effect().name().toLowerCase(Locale.ROOT), impact.describe(),
                    applied(shape, impact, fresh), sizing, List.of());
        }

        /** How apply makes it: for an ALTER, the engine's route of each subcommand. */
        private String applied(StatementShape shape, Impact impact, boolean fresh) {
            Route route = Route.of(shape, fresh);
            if (route != Route.ONLINE_ALTER) {
                return route.how();
            }
            if (impact.effect() == Effect.REWRITE) {
                return "rewrite through a shadow table while writers go on, swapped in under a short lock";
            }
            return String.join("; ", shape.alter().subcommands().stream().map(InPlaceSteps::route).distinct().toList());
        }

        private void check(ScriptStatement st, StatementShape shape, Impact impact, boolean fresh,
                           boolean inTransaction, Sizing sizing) {
            String table = LockModel.display(shape.table());
            boolean concurrent = shape.concurrently() || shape.type() == StatementShape.Type.VACUUM;
            if (inTransaction && concurrent && (shape.type() != StatementShape.Type.REFRESH_MATERIALIZED_VIEW)) {
                report(st, Rule.CONCURRENTLY_IN_TRANSACTION, "PostgreSQL refuses " + shape.describe().toUpperCase(
                        Locale.ROOT) + (shape.concurrently() ? " CONCURRENTLY" : "") + " inside a transaction block",
                        "run it outside BEGIN ... COMMIT (doppel apply runs it on its own); in Flyway, a file with it"
                                + " runs outside a transaction");
            }
            switch (shape.type()) {
                case META_COMMAND -> report(st, Rule.PSQL_META_COMMAND, "psql meta-command " + st.summary()
                        + " is not SQL", "remove it, or run the file with psql; doppel apply refuses the file");
                case DROP_TABLE -> report(st, Rule.DROP_TABLE, "drops table " + table, "drop it in a release after"
                        + " the application stopped using it");
                default -> {
                }
            }
            if (!fresh) {
                checkExisting(st, shape, impact, table, sizing);
                checkTimeout(st, impact);
                checkTransaction(st, impact, inTransaction);
            }
        }

        private void checkExisting(ScriptStatement st, StatementShape shape, Impact impact, String table,
                                   Sizing sizing) {
            switch (shape.type()) {
                case CREATE_INDEX -> {
                    if (!shape.concurrently()) {
                        report(st, Rule.CREATE_INDEX_NOT_CONCURRENT, "CREATE INDEX on " + table
                                + " holds SHARE for the whole build: writes wait" + sized(sizing),
                                Fixes.concurrentIndex(st.text()));
                    }
                }
                case DROP_INDEX -> {
                    if (!shape.concurrently()) {
                        report(st, Rule.DROP_INDEX_NOT_CONCURRENT, "DROP INDEX " + table + " waits for ACCESS"
                                + " EXCLUSIVE on its table", shape.detail() == null ? Fixes.concurrentDrop(st.text())
                                : "drop one index per statement, without CASCADE, as DROP INDEX CONCURRENTLY");
                    }
                }
                case REINDEX -> {
                    if (!shape.concurrently()) {
                        report(st, Rule.REINDEX_NOT_CONCURRENT, "REINDEX blocks writes while it rebuilds",
                                "REINDEX ... CONCURRENTLY (PostgreSQL 12 on), outside a transaction");
                    }
                }
                case VACUUM, CLUSTER -> {
                    if (impact.effect() == Effect.REWRITE) {
                        report(st, Rule.TABLE_REWRITE, impact.why() + " rewrites under ACCESS EXCLUSIVE",
                                "doppel run --table <table> (no --alter) repacks online, without the lock");
                    }
                }
                case REFRESH_MATERIALIZED_VIEW -> {
                    if (!shape.concurrently()) {
                        report(st, Rule.REFRESH_NOT_CONCURRENT, "REFRESH MATERIALIZED VIEW " + table
                                + " blocks reads of the view until it is done",
                                "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)");
                    }
                }
                case UPDATE, DELETE -> {
                    if (shape.detail() != null) {
                        report(st, Rule.BACKFILL_IN_MIGRATION, shape.describe().toUpperCase(Locale.ROOT)
                                + " of every row of " + table + " in one transaction" + sized(sizing),
                                "backfill in batches of keys, each its own transaction, outside the migration");
                    }
                }
                case ALTER_TABLE -> alter(st, shape, impact, table, sizing);
                default -> {
                }
            }
        }

        private void alter(ScriptStatement st, StatementShape shape, Impact impact, String table, Sizing sizing) {
            if (shape.alter() == null) {
                String lower = st.text().toLowerCase(Locale.ROOT);
                if (lower.matches("(?s).*\\brename\\s+to\\b.*")) {
                    report(st, Rule.RENAME_BREAKS_CLIENTS, "renames table " + table, Fixes.RENAME);
                }
                if (impact.effect() == Effect.REWRITE) {
                    report(st, Rule.TABLE_REWRITE, impact.why() + " (" + table + ") under ACCESS EXCLUSIVE",
                            "schedule it in a maintenance window; doppel cannot make this form online");
                }
                return;
            }
            boolean plannedInPlace = sizing != null && sizing.doppel() != null && sizing.doppel().startsWith("in place");
            for (Subcommand sub : shape.alter().subcommands()) {
                Effect effect = LockModel.effect(sub);
                switch (sub.kind()) {
                    case ADD_CONSTRAINT -> constraint(st, shape, sub, table, sizing);
                    case SET_NOT_NULL -> {
                        if (!provenNotNull.contains(key(shape.table()) + "." + sub.column())) {
                            report(st, Rule.SET_NOT_NULL_SCAN, "SET NOT NULL on " + table + "." + sub.column()
                                    + " scans the table under ACCESS EXCLUSIVE" + sized(sizing),
                                    Fixes.notNull(table, sub.column()));
                        }
                    }
                    case VALIDATE_CONSTRAINT -> {
                        String column = notNullChecks.get(key(shape.table()) + "." + sub.constraint());
                        if (column != null) {
                            provenNotNull.add(key(shape.table()) + "." + column);
                        }
                    }
                    case RENAME_COLUMN -> report(st, Rule.RENAME_BREAKS_CLIENTS, "renames column " + table + "."
                            + sub.column() + " to " + sub.newName(), Fixes.RENAME);
                    case DROP_COLUMN -> report(st, Rule.DROP_COLUMN, "drops column " + table + "." + sub.column(),
                            "stop reading the column in the application first (for ORMs: mark it ignored), then"
                                    + " drop it in a later release");
                    default -> {
                    }
                }
                if (effect == Effect.REWRITE && !plannedInPlace) {
                    boolean maybe = LockModel.mayBeBinaryCoercible(sub) && sizing == null;
                    report(st, Rule.TABLE_REWRITE, maybe ? Severity.WARNING : Rule.TABLE_REWRITE.severity(),
                            sub.text() + (maybe ? " rewrites " + table + " under ACCESS EXCLUSIVE unless the old type"
                                    + " converts binary-coercibly (a longer varchar, varchar to text); lint with a"
                                    + " connection to know" : " rewrites " + table + " under ACCESS EXCLUSIVE")
                                    + sized(sizing),
                            Fixes.rewrite(table, sub));
                }
            }
        }

        private void constraint(ScriptStatement st, StatementShape shape, Subcommand sub, String table,
                                Sizing sizing) {
            Subcommand.ConstraintType type = sub.constraintType();
            String check = sub.text().toLowerCase(Locale.ROOT).replaceAll("[\\s\"]+", " ");
            Matcher notNull = NOT_NULL_CHECK.matcher(check);
            if (type == Subcommand.ConstraintType.CHECK && sub.constraint() != null && notNull.find()) {
                notNullChecks.put(key(shape.table()) + "." + sub.constraint(), notNull.group(1));
            }
            if ((type == Subcommand.ConstraintType.CHECK || type == Subcommand.ConstraintType.FOREIGN_KEY)
                    && !sub.notValid()) {
                report(st, Rule.CONSTRAINT_WITHOUT_NOT_VALID, (type == Subcommand.ConstraintType.CHECK ? "CHECK"
                        : "FOREIGN KEY") + " on " + table + " is validated under its lock" + sized(sizing)
                        + (type == Subcommand.ConstraintType.FOREIGN_KEY ? "; SHARE ROW EXCLUSIVE also blocks"
                        + " writes to the referenced table" : ""), Fixes.notValid(table, sub));
            }
            if ((type == Subcommand.ConstraintType.UNIQUE || type == Subcommand.ConstraintType.PRIMARY_KEY)
                    && !LockModel.usingIndex(sub)) {
                report(st, Rule.UNIQUE_CONSTRAINT_BUILDS_INDEX, (type == Subcommand.ConstraintType.UNIQUE ? "UNIQUE"
                        : "PRIMARY KEY") + " on " + table + " builds its index under ACCESS EXCLUSIVE"
                        + sized(sizing), Fixes.uniqueIndex(table, sub));
            }
        }

        private void checkTimeout(ScriptStatement st, Impact impact) {
            if (impact.mode().blocksWrites() && !lockTimeout && !localLockTimeout && !lockTimeoutReported) {
                lockTimeoutReported = true;
                report(st, Rule.MISSING_LOCK_TIMEOUT, "waits for " + impact.mode().sql() + " on " + impact.on()
                        + " with no lock_timeout: behind a long query it waits, and every query on the table"
                        + " queues behind it", "SET lock_timeout = '2s'; at the top of the file, and retry on"
                        + " failure (doppel apply takes every lock in short attempts)");
            }
        }

        private void checkTransaction(ScriptStatement st, Impact impact, boolean inTransaction) {
            if (!inTransaction) {
                return;
            }
            Held strongest = held.stream().filter(h -> h.mode().blocksWrites()).findFirst().orElse(null);
            boolean heavy = impact.effect() == Effect.SCAN || impact.effect() == Effect.REWRITE;
            boolean another = impact.mode().blocksWrites() && strongest != null && !strongest.on().equals(impact.on());
            if (strongest != null && (heavy || another)) {
                report(st, Rule.LONG_TRANSACTION_LOCKS, "the transaction still holds " + strongest.mode().sql()
                        + " on " + strongest.on() + " (line " + strongest.line() + ") while this statement "
                        + (heavy ? impact.effect().words() : "waits for " + impact.mode().sql() + " on "
                        + impact.on()), "commit after each blocking statement (or let doppel apply split the"
                        + " transaction with --split-transactions)");
            }
            if (impact.mode() != LockMode.NONE) {
                held.add(new Held(impact.on(), impact.mode(), st.line()));
            }
        }

        void report(ScriptStatement st, Rule rule, String message, String fix) {
            report(st, rule, rule.severity(), message, fix);
        }

        void report(ScriptStatement st, Rule rule, Severity severity, String message, String fix) {
            if (st.disables(rule.id()) || script.disables(rule.id())) {
                suppressed++;
                return;
            }
            findings.add(new Finding(rule.id(), severity, script.name(), st.line(), st.ordinal(), message, fix));
        }

        private String sized(Sizing sizing) {
            if (sizing == null) {
                return "";
            }
            return String.format(" (about %,d rows, %,d MB%s)", sizing.rows(), sizing.bytes() / (1024 * 1024),
                    sizing.blockingMillis() == null ? "" : "; about " + dev.doppel.engine.Plan.describeEstimate(sizing.blockingMillis())
                            + " under the lock");
        }

        private String key(QualifiedName name) {
            return name == null ? "" : name.name();
        }
    }
}
