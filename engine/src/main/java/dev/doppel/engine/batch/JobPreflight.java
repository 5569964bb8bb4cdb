package dev.doppel.engine.batch;

import dev.doppel.engine.Reason;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Options;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.Column;
import dev.doppel.engine.catalog.IndexInfo;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.copy.RowCopier;
import dev.doppel.engine.sql.JobSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a job before it changes anything and plans it: the table and its key, the archive's columns, the SQL the
 * user gave (PostgreSQL plans a batch of it), and for {@code plan} the rows it would reach, a timed sample batch
 * (rolled back), the triggers and foreign keys it fires and the indexes its predicate can use.
 */
final class JobPreflight {

    /** A checked job: the table, the key its batches walk, and its statements. */
    record Prepared(JobSpec spec, TableInfo table, List<String> key, List<String> keyTypes, List<String> assigned,
                    JobSql sql, TableInfo archive) {
    }

    private static final Pattern ROWS = Pattern.compile("rows=(\\d+)");
    private static final int TRIGGER_INSERT = 4;
    private static final int TRIGGER_DELETE = 8;
    private static final int TRIGGER_UPDATE = 16;

    private JobPreflight() {
    }

    static Prepared prepare(Session s, JobSpec spec) throws SQLException {
        if (spec.kind() == JobSpec.Kind.UPDATE && (spec.set() == null || spec.set().isBlank())) {
            throw JobText.invalid("an update needs --set, e.g. --set 'slug = lower(title)'");
        }
        if (spec.kind() != JobSpec.Kind.UPDATE && (spec.where() == null || spec.where().isBlank())) {
            throw JobText.invalid("a " + spec.kind().label() + " needs --where naming the rows; to take every row,"
                    + " say --where true");
        }
        if (spec.kind() == JobSpec.Kind.MOVE && (spec.into() == null || spec.into().isBlank())) {
            throw JobText.invalid("a move needs --into, the archive table, e.g. --into archive.orders");
        }
        JobText.names(spec.predicate());
        TableInfo table = new CatalogReader(s).read(spec.table());
        IndexInfo keyIndex = table.usableKeys().stream().findFirst().orElseThrow(() -> new DoppelException(
                Reason.NO_USABLE_KEY, table.display() + " has no primary key or unique index over NOT NULL columns,"
                + " which the job's batches walk in order; add one (CREATE UNIQUE INDEX CONCURRENTLY, then"
                + " ALTER TABLE ... ADD PRIMARY KEY USING INDEX) and run the job again; nothing was changed"));
        List<String> key = keyIndex.columns();
        List<String> keyTypes = key.stream().map(c -> table.column(c).orElseThrow().type()).toList();
        List<String> assigned = List.of();
        TableInfo archive = null;
        JobSql sql = switch (spec.kind()) {
            case UPDATE -> {
                assigned = JobText.assigned(spec.set());
                for (String c : assigned) {
                    if (key.contains(c)) {
                        throw JobText.invalid("--set assigns " + c + ", a column of the key " + key + " that the"
                                + " batches walk in order: a changed key could be passed twice or never. Change"
                                + " key columns with a migration instead");
                    }
                }
                yield JobSql.update(table.qualified(), key, keyTypes, spec.set().strip(), spec.predicate());
            }
            case DELETE -> JobSql.delete(table.qualified(), key, keyTypes, spec.predicate());
            case MOVE -> {
                archive = archive(s, table, spec.into());
                List<String> columns = new ArrayList<>();
                boolean overriding = false;
                for (Column c : table.columns()) {
                    Column a = archive.column(c.name()).orElse(null);
                    if (a == null || !a.type().equals(c.type())) {
                        throw JobText.invalid("the archive " + archive.display() + (a == null ? " has no column "
                                + c.name() : "'s column " + c.name() + " is " + a.type()) + ", while "
                                + table.display() + "'s is " + c.type() + "; the archive needs every column of the"
                                + " table with the same type, e.g. CREATE TABLE " + archive.display() + " (LIKE "
                                + table.display() + ")");
                    }
                    if (!a.isGenerated()) {
                        columns.add(c.name());
                        overriding |= a.isIdentityAlways();
                    }
                }
                for (Column a : archive.columns()) {
                    if (table.column(a.name()).isEmpty() && a.notNull() && a.defaultExpression() == null
                            && a.identity() == 0 && !a.isGenerated()) {
                        throw JobText.invalid("the archive " + archive.display() + "'s column " + a.name() + " is"
                                + " NOT NULL without a default, and " + table.display() + " has no such column to"
                                + " fill it; give it a default or drop it");
                    }
                }
                yield JobSql.move(table.qualified(), key, keyTypes, spec.predicate(), archive.qualified(), columns,
                        overriding);
            }
        };
        check(s, sql, table);
        return new Prepared(spec, table, key, keyTypes, assigned, sql, archive);
    }

    private static TableInfo archive(Session s, TableInfo table, String into) throws SQLException {
        TableInfo archive;
        try {
            archive = new CatalogReader(s).read(into.strip());
        } catch (DoppelException e) {
            if (e.reason() != Reason.TABLE_NOT_FOUND) {
                throw e;
            }
            throw JobText.invalid("the archive table " + into.strip() + " does not exist; create it first, e.g."
                    + " CREATE TABLE " + into.strip() + " (LIKE " + table.display() + ")");
        }
        if (archive.oid() == table.oid()) {
            throw JobText.invalid("--into names " + table.display() + " itself; give the archive table");
        }
        return archive;
    }

    /** PostgreSQL plans a first batch: a name it does not know, a type that does not fit, a syntax error. */
    private static void check(Session s, JobSql sql, TableInfo table) throws SQLException {
        try {
            s.rolledBack(t -> t.query(sql.explainBatch(), rs -> null, 1));
        } catch (SQLException e) {
            throw JobText.invalid("PostgreSQL rejects the job on " + table.display() + ": " + e.getMessage()
                    + " (SQLSTATE " + e.getSQLState() + ")");
        }
    }

    /** The plan: estimates, a timed sample batch rolled back, what the batches fire, and the predicate's indexes. */
    static JobPlan plan(Session s, Prepared p, Options options, boolean exact) throws SQLException {
        TableInfo table = p.table();
        List<String> warnings = new ArrayList<>();
        List<String> explained = s.query(p.sql().estimate(), rs -> rs.getString(1));
        Matcher m = ROWS.matcher(explained.isEmpty() ? "" : explained.get(0));
        long estimated = m.find() ? Long.parseLong(m.group(1)) : 0;
        // A count the user asked for reads as much of the table as it must.
        Long counted = exact ? s.unbounded(t -> t.number(p.sql().count())) : null;
        long matching = counted != null ? counted : estimated;

        record Sample(long examined, long changed, long nanos, long wal) {
        }
        int sampleRows = options.initialChunkRows();
        Sample sample;
        try {
            sample = s.rolledBack(t -> {
                t.execute("SET LOCAL lock_timeout = '" + options.lockTimeout().toMillis() + "ms'");
                long wal0 = t.number(JobSql.walPosition());
                long t0 = System.nanoTime();
                long[] counts = t.one(p.sql().batch(true, false), rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                        sampleRows);
                long nanos = System.nanoTime() - t0;
                long wal = t.number(JobSql.walPosition()) - wal0;
                return counts == null ? new Sample(0, 0, nanos, wal) : new Sample(counts[0], counts[1], nanos, wal);
            });
        } catch (SQLException e) {
            if (BatchRunner.retryable(e)) {
                warnings.add("the timed sample was skipped: the first rows stayed locked by other transactions ("
                        + e.getMessage() + "); the time and WAL below are unknown");
                sample = new Sample(0, 0, 0, 0);
            } else {
                throw JobText.invalid("a sample batch over the first " + sampleRows + " rows of " + table.display()
                        + " fails" + (RowCopier.dataError(e) ? " on the data" : "") + ": " + e.getMessage()
                        + " (SQLSTATE " + e.getSQLState() + "); the job would fail there too");
            }
        }
        long tableRows = Math.max(table.estimatedRows(), sample.examined());
        long batchRows = sample.examined() > 0 && sample.nanos() > 0
                ? Math.max(100, Math.min(options.maxChunkRows(),
                sample.examined() * options.chunkTarget().toNanos() / sample.nanos()))
                : options.initialChunkRows();
        long batches = tableRows == 0 ? 0 : (tableRows + batchRows - 1) / batchRows;
        long millis = sample.examined() == 0 ? 0 : Math.round(sample.nanos() / 1e6 * tableRows / sample.examined());
        long wal = sample.changed() == 0 ? -1 : Math.round((double) sample.wal() * matching / sample.changed());

        List<String> triggers = new ArrayList<>(triggers(s, table, p.spec().kind() == JobSpec.Kind.UPDATE
                ? TRIGGER_UPDATE : TRIGGER_DELETE));
        if (p.archive() != null) {
            triggers.addAll(triggers(s, p.archive(), TRIGGER_INSERT));
        }
        List<String> foreignKeys = foreignKeys(s, p);
        Set<String> names = JobText.names(p.spec().predicate());
        List<String> indexes = table.indexes().stream()
                .filter(i -> !i.columns().isEmpty() && names.contains(i.columns().get(0)))
                .map(i -> i.name() + " " + i.shape()).toList();
        if (indexes.isEmpty() && !"true".equals(p.spec().predicate())) {
            warnings.add("no index of " + table.display() + " starts with a column the predicate reads: an exact"
                    + " count, and any query for these rows, reads the whole table (the batches read every key in"
                    + " order whatever the indexes)");
        }
        if (!foreignKeys.isEmpty()) {
            warnings.add("each batch also acts on the tables whose foreign keys reference " + table.display()
                    + "; their rows are locked (or changed) in the batch's transaction");
        }
        List<String> batchPlan = s.rolledBack(t -> t.query(p.sql().explainBatch(), rs -> rs.getString(1), 1));
        return new JobPlan(table.display(), p.spec().text(), p.key(), estimated, counted, tableRows, batchRows,
                batches, sample.examined(), sample.changed(), millis, wal, triggers, foreignKeys, indexes, batchPlan,
                warnings);
    }

    private static List<String> triggers(Session s, TableInfo table, int event) throws SQLException {
        return s.query(JobSql.triggers(), rs -> table.display() + ": " + rs.getString(2), table.oid(), event);
    }

    /** Foreign keys that a delete (or a change of the columns they reference) sets off, with what each does. */
    private static List<String> foreignKeys(Session s, Prepared p) throws SQLException {
        record Fk(String table, String name, String onDelete, String onUpdate, List<String> referenced) {
        }
        boolean update = p.spec().kind() == JobSpec.Kind.UPDATE;
        List<String> out = new ArrayList<>();
        for (Fk fk : s.query(JobSql.referencingKeys(), rs -> new Fk(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getString(4), Session.strings(rs.getArray(5))), p.table().oid())) {
            if (update && fk.referenced().stream().noneMatch(p.assigned()::contains)) {
                continue;
            }
            String action = update ? fk.onUpdate() : fk.onDelete();
            out.add(fk.table() + " (" + fk.name() + ") ON " + (update ? "UPDATE " : "DELETE ") + switch (action) {
                case "c" -> "CASCADE: its referencing rows are " + (update ? "updated" : "deleted") + " too";
                case "n" -> "SET NULL: its referencing rows are updated";
                case "d" -> "SET DEFAULT: its referencing rows are updated";
                case "r" -> "RESTRICT: the batch fails while rows still reference a changed one";
                default -> "NO ACTION: the batch fails while rows still reference a changed one";
            });
        }
        return out;
    }
}
