package dev.doppel.engine.apply;

import dev.doppel.engine.Applied;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.script.ScriptStatement;
import dev.doppel.engine.script.SqlScript;
import dev.doppel.engine.script.StatementShape;
import dev.doppel.engine.sql.ScriptSql;
import dev.doppel.engine.sql.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs a migration file with each statement made online ({@link Route}), recording per statement what is done so
 * that a second call goes on from the first statement not done, and a call after success changes nothing.
 *
 * <pre>{@code
 * ApplyResult r = new ScriptApplier(dataSource, Options.defaults()).apply(SqlScript.read(path), false);
 * }</pre>
 */
public final class ScriptApplier {

    private static final Logger log = LoggerFactory.getLogger(ScriptApplier.class);
    /** Statements PostgreSQL refuses inside a transaction block, run as written in autocommit. */
    private static final Pattern NON_TRANSACTIONAL = Pattern.compile("(?is)\\s*(vacuum|(create|drop)\\s+database|"
            + "alter\\s+system|(create|drop)\\s+tablespace|reindex\\b.*\\bconcurrently|create\\s+index\\b.*"
            + "\\bconcurrently|drop\\s+index\\s+concurrently|alter\\s+type\\b.*\\badd\\s+value)\\b.*");

    private final DataSource dataSource;
    private final Options options;
    private ApplyListener listener = ApplyListener.NONE;
    private MigrationListener migrationListener = MigrationListener.NONE;

    public ScriptApplier(DataSource dataSource, Options options) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.options = Objects.requireNonNull(options, "options");
    }

    public ScriptApplier listener(ApplyListener l) {
        this.listener = Objects.requireNonNull(l);
        return this;
    }

    /** Hears the phases and copy progress of the doppel migrations the file's ALTER TABLE statements become. */
    public ScriptApplier migrationListener(MigrationListener l) {
        this.migrationListener = Objects.requireNonNull(l);
        return this;
    }

    /** Read-only: each statement's route, what an earlier run did, and why apply would refuse the file. */
    public ApplyPlan plan(SqlScript script, boolean splitTransactions) {
        FileRoutes routes = FileRoutes.of(script, splitTransactions);
        try (Session s = Session.open(dataSource, "apply")) {
            ProgressStore.FileRecord file = ProgressStore.file(s, script.name());
            Map<Integer, ProgressStore.StatementRecord> records = ProgressStore.statements(s, script.name());
            List<String> problems = new ArrayList<>(routes.problems());
            String changed = changed(script, file, records);
            if (changed != null) {
                problems.add(changed);
            }
            boolean done = file != null && "done".equals(file.state()) && changed == null;
            return new ApplyPlan(script.name(), file == null ? "new" : file.state(),
                    routes.steps(done ? allOf(script) : doneIndexes(records)), problems);
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "reading what apply did with " + script.name() + " failed: "
                    + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    /**
     * @throws DoppelException "transaction_split_needed" or "unsupported_statement" (refusals, nothing run),
     *                         "script_changed" when statements already applied differ from the file,
     *                         "already_running" when another apply holds the file, "statement_failed" naming
     *                         the file, line and PostgreSQL's error; or what a doppel migration raised
     */
    public ApplyResult apply(SqlScript script, boolean splitTransactions) {
        FileRoutes routes = FileRoutes.of(script, splitTransactions);
        if (!routes.problems().isEmpty()) {
            boolean split = routes.problems().stream().anyMatch(p -> p.contains("--split-transactions"));
            throw new DoppelException(split ? Reason.TRANSACTION_SPLIT_NEEDED : Reason.UNSUPPORTED_STATEMENT, script.name()
                    + ": " + String.join("; ", routes.problems()) + "; nothing was run");
        }
        try (Session s = Session.open(dataSource, "apply")) {
            // The file's statements run as the migration tool would run them: no doppel-imposed time limit.
            s.execute("SET statement_timeout = 0");
            ProgressStore.ensureSchema(s);
            if (!Boolean.TRUE.equals(s.one(ScriptSql.tryLockScript(), rs -> rs.getBoolean(1), script.name()))) {
                throw new DoppelException(Reason.ALREADY_RUNNING, "another doppel apply is running " + script.name()
                        + "; wait for it to finish (doppel status lists the migrations it runs)");
            }
            ApplyResult result;
            try {
                result = run(s, script, routes);
            } catch (DoppelException | SQLException e) {
                unlock(s, script, e);
                throw e;
            }
            s.execute(ScriptSql.unlockScript(), script.name());
            return result;
        } catch (SQLException e) {
            throw new DoppelException(Reason.DATABASE_ERROR, "applying " + script.name() + " failed: " + e.getMessage()
                    + " (SQLSTATE " + e.getSQLState() + "); a re-run goes on from the first statement not done", e);
        }
    }

    private ApplyResult run(Session s, SqlScript script, FileRoutes routes) throws SQLException {
        String name = script.name();
        ProgressStore.FileRecord file = ProgressStore.file(s, name);
        Map<Integer, ProgressStore.StatementRecord> records = ProgressStore.statements(s, name);
        String changed = changed(script, file, records);
        if (changed != null) {
            throw new DoppelException(Reason.SCRIPT_CHANGED, changed);
        }
        if (file != null && "done".equals(file.state())) {
            log.info("{} was applied before; nothing to do", name);
            return new ApplyResult(name, ApplyResult.How.ALREADY_DONE, 0, script.statements().size(), List.of());
        }
        ApplyResult.How how = file == null ? ApplyResult.How.STARTED : ApplyResult.How.RESUMED;
        ProgressStore.start(s, name, Session.sha256(script.text()), script.statements().size());
        Set<Integer> done = doneIndexes(records);
        List<ApplyStep> steps = routes.steps(done);
        Run run = new Run(s, script, routes, steps, records);
        try {
            run.all();
        } catch (DoppelException | SQLException e) {
            recordFailure(s, name, e);
            throw e;
        }
        ProgressStore.finish(s, name, "done", null);
        log.info("{}: applied {} statements ({} done before)", name, run.ran, done.size());
        return new ApplyResult(name, how, run.ran, done.size(), List.copyOf(run.migrations));
    }

    /** A pooled connection keeps its session's advisory lock: release it, without hiding why the run ended. */
    private static void unlock(Session s, SqlScript script, Exception failure) {
        try {
            s.execute(ScriptSql.unlockScript(), script.name());
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void recordFailure(Session s, String name, Exception e) {
        try {
            ProgressStore.finish(s, name, "failed", e.getMessage());
        } catch (SQLException secondary) {
            // The connection itself failed: the statement records already say where a re-run goes on.
            e.addSuppressed(secondary);
        }
    }

    /** Why the file no longer matches what an earlier run applied, or null when it does. */
    private static String changed(SqlScript script, ProgressStore.FileRecord file,
                                  Map<Integer, ProgressStore.StatementRecord> records) {
        if (file == null) {
            return null;
        }
        if ("done".equals(file.state())) {
            return file.checksum().equals(Session.sha256(script.text())) ? null : script.name() + " was applied"
                    + " completely with different contents; a migration file must not change once applied: put the"
                    + " change in a new file";
        }
        for (ProgressStore.StatementRecord r : records.values()) {
            int i = r.ordinal() - 1;
            boolean same = i < script.statements().size() && hash(script.statements().get(i)).equals(r.hash());
            if (r.done() && !same) {
                return script.name() + ": statement " + r.ordinal() + " was applied with different text than the"
                        + " file now has; restore the applied statements and change only the one that failed";
            }
        }
        return null;
    }

    private static Set<Integer> doneIndexes(Map<Integer, ProgressStore.StatementRecord> records) {
        Set<Integer> done = new HashSet<>();
        records.values().stream().filter(ProgressStore.StatementRecord::done).forEach(r -> done.add(r.ordinal() - 1));
        return done;
    }

    private static Set<Integer> allOf(SqlScript script) {
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < script.statements().size(); i++) {
            all.add(i);
        }
        return all;
    }

    private static String hash(ScriptStatement st) {
        return Session.sha256(st.text());
    }

    /** One pass over the file's statements. */
    private final class Run {
        private final Session s;
        private final SqlScript script;
        private final FileRoutes routes;
        private final List<ApplyStep> steps;
        private final Map<Integer, ProgressStore.StatementRecord> records;
        private final Retry retry = new Retry(options.lockAttempts(), options.lockTimeout());
        private final List<Long> migrations = new ArrayList<>();
        private int ran;

        Run(Session s, SqlScript script, FileRoutes routes, List<ApplyStep> steps,
            Map<Integer, ProgressStore.StatementRecord> records) {
            this.s = s;
            this.script = script;
            this.routes = routes;
            this.steps = steps;
            this.records = records;
        }

        void all() throws SQLException {
            int i = 0;
            while (i < steps.size()) {
                DoppelException.stopIfInterrupted("applying " + script.name());
                int block = routes.blockOf()[i];
                if (block >= 0) {
                    int end = i;
                    while (end + 1 < steps.size() && routes.blockOf()[end + 1] == block) {
                        end++;
                    }
                    block(i, end);
                    i = end + 1;
                } else {
                    one(i);
                    i++;
                }
            }
        }

        /** Statements [from, to] of a kept BEGIN ... COMMIT: one transaction, recorded done inside it. */
        private void block(int from, int to) throws SQLException {
            if (steps.get(from).done()) {
                return;
            }
            ApplyStep first = steps.get(from);
            listener.starting(first, from + 1, steps.size());
            long started = System.nanoTime();
            retry.run(() -> s.transaction(tx -> {
                tx.execute(ScriptSql.localLockTimeout(options.lockTimeout().toMillis()));
                for (int i = from; i <= to; i++) {
                    execute(tx, i);
                    record(tx, i, "done", null);
                }
                return null;
            }), (n, e) -> listener.retrying(first, n, e.getMessage()));
            ran += to - from + 1;
            listener.done(first, (System.nanoTime() - started) / 1_000_000);
        }

        private void one(int i) throws SQLException {
            ApplyStep step = steps.get(i);
            ScriptStatement st = script.statements().get(i);
            if (step.route() == Route.TRANSACTION) {
                return;
            }
            if (step.route() == Route.SESSION) {
                execute(s, i);
                return;
            }
            if (step.done()) {
                return;
            }
            listener.starting(step, i + 1, steps.size());
            long started = System.nanoTime();
            switch (step.route()) {
                case ONLINE_ALTER -> onlineAlter(i, st);
                case CONCURRENT_INDEX -> concurrentIndex(i, st);
                case CONCURRENT_DROP_INDEX -> concurrentDrop(i, st);
                default -> asWritten(i, st);
            }
            ran++;
            listener.done(step, (System.nanoTime() - started) / 1_000_000);
        }

        private void asWritten(int i, ScriptStatement st) throws SQLException {
            ApplyStep step = steps.get(i);
            if (NON_TRANSACTIONAL.matcher(st.text()).matches()) {
                retry.run(() -> {
                    s.execute(ScriptSql.lockTimeout(options.lockTimeout().toMillis()));
                    try {
                        execute(s, i);
                    } finally {
                        s.execute("RESET lock_timeout");
                    }
                }, (n, e) -> listener.retrying(step, n, e.getMessage()));
                record(s, i, "done", null);
                return;
            }
            retry.run(() -> s.transaction(tx -> {
                tx.execute(ScriptSql.localLockTimeout(options.lockTimeout().toMillis()));
                execute(tx, i);
                record(tx, i, "done", null);
                return null;
            }), (n, e) -> listener.retrying(step, n, e.getMessage()));
        }

        private void onlineAlter(int i, ScriptStatement st) throws SQLException {
            StatementShape shape = routes.shapes().get(i);
            record(s, i, "started", null);
            String table = ScriptSql.table(shape.table().schema(), shape.table().name());
            Applied applied;
            try {
                applied = OnlineSchemaChange.builder().dataSource(dataSource).table(table).alter(st.text())
                        .options(options).listener(migrationListener).build().apply();
            } catch (DoppelException e) {
                throw new DoppelException(e.reason(), where(st) + e.getMessage(), e);
            }
            migrations.add(applied.migrationId());
            record(s, i, "done", "migration " + applied.migrationId());
        }

        private void concurrentIndex(int i, ScriptStatement st) throws SQLException {
            StatementShape shape = routes.shapes().get(i);
            ProgressStore.StatementRecord earlier = records.get(st.ordinal());
            String before = earlier != null && "started".equals(earlier.state()) && earlier.detail() != null
                    ? earlier.detail() : ConcurrentIndex.indexesBefore(s, shape);
            if (before != null && earlier != null && ConcurrentIndex.settle(s, shape, before)) {
                // A run that died after the build finished and before it was recorded: the index is there.
                record(s, i, "done", before);
                return;
            }
            record(s, i, "started", before);
            String sql = ConcurrentIndex.concurrent(st.text());
            retry.run(() -> {
                try {
                    execute(s, st, sql);
                } catch (SQLException | DoppelException e) {
                    dropInvalid(shape, before, e);
                    throw e;
                }
            }, (n, e) -> listener.retrying(steps.get(i), n, e.getMessage()));
            record(s, i, "done", before);
        }

        /** A failed build leaves an INVALID index that slows every write: drop it now (a resume would, too). */
        private void dropInvalid(StatementShape shape, String before, Exception failure) {
            if (before == null) {
                return;
            }
            try {
                ConcurrentIndex.settle(s, shape, before);
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }

        private void concurrentDrop(int i, ScriptStatement st) throws SQLException {
            ProgressStore.StatementRecord earlier = records.get(st.ordinal());
            boolean resumed = earlier != null && "started".equals(earlier.state());
            record(s, i, "started", null);
            String sql = resumed ? ConcurrentIndex.repeatableDrop(st.text()) : ConcurrentIndex.concurrent(st.text());
            retry.run(() -> execute(s, st, sql), (n, e) -> listener.retrying(steps.get(i), n, e.getMessage()));
            record(s, i, "done", null);
        }

        private void execute(Session session, int i) throws SQLException {
            ScriptStatement st = script.statements().get(i);
            execute(session, st, st.text());
        }

        /** Runs {@code sql}, the form of {@code st} apply chose; a lasting failure names the file and line. */
        private void execute(Session session, ScriptStatement st, String sql) throws SQLException {
            try {
                session.execute(sql);
            } catch (SQLException e) {
                if (Retry.isTransient(e)) {
                    throw e;
                }
                throw new DoppelException(Reason.STATEMENT_FAILED, where(st) + e.getMessage() + " (SQLSTATE "
                        + e.getSQLState() + "); the statements before it are applied and recorded: fix this one and"
                        + " run apply again to go on from it", e);
            }
        }

        private String where(ScriptStatement st) {
            return script.name() + " line " + st.line() + " (statement " + st.ordinal() + "): ";
        }

        private void record(Session session, int i, String state, String detail) throws SQLException {
            ScriptStatement st = script.statements().get(i);
            ProgressStore.record(session, script.name(), st.ordinal(), st.line(), hash(st), state, steps.get(i).route(),
                    detail);
        }
    }
}
