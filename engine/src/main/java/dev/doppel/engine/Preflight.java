package dev.doppel.engine;

import dev.doppel.engine.capture.LogicalPreflight;
import dev.doppel.engine.capture.LogicalSource;
import dev.doppel.engine.capture.ReplicationSlot;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.DependentObjects;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.cutover.DependentViews;
import dev.doppel.engine.cutover.Dependents;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.plan.InPlaceSteps;
import dev.doppel.engine.plan.QualifiedName;
import dev.doppel.engine.plan.Subcommand;
import dev.doppel.engine.shadow.DeferredObject;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.shadow.ShadowTableBuilder;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-only checks before anything is created: the change parses; the table exists, has a usable key that
 * survives the change, and carries nothing a swap would break; no earlier migration left work behind; and the
 * whole shadow build plus every generated statement runs cleanly inside a transaction that is rolled back.
 */
final class Preflight {

    private final Session session;
    private final String tableName;
    private final String alter;
    private final Options.Rewrite rewrite;
    private final Options.Capture capture;

    Preflight(Session session, String tableName, String alter, Options.Rewrite rewrite, Options.Capture capture) {
        this.session = session;
        this.tableName = tableName;
        this.alter = alter;
        this.rewrite = rewrite;
        this.capture = capture;
    }

    Plan plan() throws SQLException {
        AlterChange change = AlterParser.parse(alter);
        TableInfo source = new CatalogReader(session).read(tableName);
        change.tableName().ifPresent(named -> checkSameTable(named, source));
        ObjectNames names = new ObjectNames(source.oid());
        checkNoLeftovers(source, names);
        InPlaceSteps steps = InPlaceSteps.of(change);
        String rebuilds = rebuilds(source, change, steps, names);
        if (rebuilds == null && rewrite != Options.Rewrite.ALWAYS) {
            return new Plan(source, change, Plan.Strategy.IN_PLACE, "PostgreSQL makes this change without rewriting"
                    + " the table or scanning it under its lock: doppel runs it on the table itself, taking the lock"
                    + " in short attempts", null, steps, List.of(), warnings(source), capture);
        }
        String why = rebuilds == null ? "a rewrite was asked for" : "in place, PostgreSQL would " + rebuilds
                + " under an ACCESS EXCLUSIVE lock";
        if (rewrite == Options.Rewrite.NEVER) {
            throw new DoppelException("rewrite_needed", "the change of " + source.display() + " needs a rewrite ("
                    + why + ") and rewriting was forbidden; allow it, or change less at once");
        }
        List<String> blockers = DependentObjects.blockers(session, source);
        if (!blockers.isEmpty()) {
            throw new DoppelException("unsupported_dependents", "doppel cannot migrate " + source.display()
                    + " yet:\n  - " + String.join("\n  - ", blockers));
        }
        ShadowTable shadow = session.rolledBack(s -> {
            s.execute("SET LOCAL lock_timeout = '2s'");
            ShadowTable built = new ShadowTableBuilder(s, names).build(source, change);
            dryRun(s, source, built, new MigrationSql(source, names, built.mapping()));
            return built;
        });
        checkColumnUsers(source, shadow);
        List<String> carried = new ArrayList<>(Dependents.read(session, source.oid(),
                List.of(names.rowTrigger(), names.truncateTrigger()), names.publication()).describe());
        carried.addAll(DependentViews.read(session, source.oid()).describe());
        List<String> warnings = warnings(source);
        if (capture == Options.Capture.LOGICAL) {
            warnings.addAll(new LogicalPreflight(session).check(source, shadow.mapping().sourceKey()));
        }
        return new Plan(source, change, Plan.Strategy.REWRITE, why, shadow, null, carried, warnings, capture);
    }

    /**
     * What PostgreSQL would rebuild to make the change in place ("the table", "index x"), or null when it can make
     * it in the catalog alone. Only subcommands that never scan the table under their lock can qualify; the rest
     * are asked of PostgreSQL on an empty copy.
     */
    private String rebuilds(TableInfo source, AlterChange change, InPlaceSteps steps, ObjectNames names)
            throws SQLException {
        if (steps == null) {
            return "scan or rewrite the table for " + change.subcommands().stream()
                    .filter(sub -> InPlaceSteps.of(AlterParser.parse(sub.text())) == null).map(Subcommand::text)
                    .findFirst().orElse(change.text());
        }
        return session.rolledBack(s -> {
            s.execute("SET LOCAL lock_timeout = '2s'");
            return new ShadowTableBuilder(s, names).rebuilds(source, steps.locked());
        });
    }

    /** Every statement the migration generates, run once against empty tables, so PostgreSQL checks them now. */
    private static void dryRun(Session s, TableInfo source, ShadowTable shadow, MigrationSql sql) throws SQLException {
        Long[] none = new Long[0];
        s.execute(sql.createLog());
        s.execute(sql.createCaptureFunction());
        s.execute("EXPLAIN " + sql.copyChunk(true).replace("LIMIT ?", "LIMIT 0"));
        for (DeferredObject d : shadow.deferred()) {
            s.execute(d.create());
        }
        s.update(sql.resyncUpsert(), (Object) none);
        try {
            s.update(sql.resyncDelete(), (Object) none);
        } catch (SQLException e) {
            throw new DoppelException("unsupported_key_change", "the change transforms the key of " + source.display()
                    + " in a way doppel cannot follow: " + e.getMessage() + ". A USING expression on a key column may"
                    + " refer only to key columns", e);
        }
        s.execute("EXPLAIN " + sql.digest(true, MigrationSql.Digest.TEXT, 2));
        s.execute("EXPLAIN " + sql.digest(false, MigrationSql.Digest.TEXT, 2));
    }

    /**
     * Views, policies, triggers and publication filters are recreated from their text at the swap, and that text
     * names columns: one using a column the change drops or renames would no longer compile, so refuse now, naming it.
     */
    private void checkColumnUsers(TableInfo source, ShadowTable shadow) throws SQLException {
        List<String> broken = new ArrayList<>();
        for (String[] use : session.query("SELECT DISTINCT CASE WHEN d.classid = 'pg_rewrite'::regclass"
                + " THEN 'view ' || (SELECT ev_class::regclass::text FROM pg_rewrite WHERE oid = d.objid)"
                + " ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END, a.attname FROM pg_depend d"
                + " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + " WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ? AND d.refobjsubid > 0"
                + " AND d.classid IN ('pg_rewrite'::regclass, 'pg_policy'::regclass, 'pg_trigger'::regclass,"
                + " 'pg_publication_rel'::regclass)"
                + " AND NOT (d.classid = 'pg_rewrite'::regclass AND d.objid IN (SELECT oid FROM pg_rewrite"
                + " WHERE ev_class = ?)) ORDER BY 1, 2",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, source.oid(), source.oid())) {
            String target = shadow.mapping().targets().stream().filter(t -> use[1].equals(t.source()))
                    .map(t -> t.name()).findFirst().orElse(null);
            if (!use[1].equals(target)) {
                broken.add(use[0] + " uses column " + use[1] + ", which the change "
                        + (target == null ? "drops" : "renames to " + target));
            }
        }
        if (!broken.isEmpty()) {
            throw new DoppelException("view_breaks", "doppel recreates these objects from their definitions at the"
                    + " swap, and they would no longer compile:\n  - " + String.join("\n  - ", broken)
                    + "\nChange or drop them first, or keep the columns they use");
        }
    }

    private static void checkSameTable(QualifiedName named, TableInfo source) {
        boolean same = named.name().equals(source.name())
                && (named.schema() == null || named.schema().equals(source.schema()));
        if (!same) {
            throw new DoppelException("table_mismatch", "the ALTER names table "
                    + (named.schema() == null ? "" : named.schema() + ".") + named.name() + " but the migration is"
                    + " for " + source.display() + "; give the subcommands only, or name the same table");
        }
    }

    private void checkNoLeftovers(TableInfo source, ObjectNames names) throws SQLException {
        String holder = session.text("SELECT string_agg(pid::text, ', ') FROM (" + ObjectNames.advisoryHoldersQuery()
                + ") h", names.advisoryLockParts());
        if (holder != null) {
            throw new DoppelException("already_running", "another doppel migration of " + source.display()
                    + " is running (backend pid " + holder + "); wait for it to finish, or stop it first");
        }
        String slot = LogicalSource.slotName(session, names);
        if (LogicalSource.slotExists(session, slot)) {
            throw new DoppelException("leftover", "an earlier doppel migration of " + source.display() + " left"
                    + " replication slot " + slot + " behind (it keeps WAL); `doppel status` lists it: resume or"
                    + " abort that migration, or drop the slot (docs/operations.md, removing doppel's objects)");
        }
        for (String leftover : List.of(names.shadow(), names.log())) {
            if (session.text("SELECT to_regclass(?)::text", leftover) != null) {
                throw new DoppelException("leftover", "an earlier doppel migration of " + source.display() + " left "
                        + leftover + " behind; `doppel status` lists it: resume it, or abort it to start over");
            }
        }
    }

    private List<String> warnings(TableInfo source) throws SQLException {
        List<String> out = new ArrayList<>();
        out.addAll(session.query("SELECT 'transaction of backend ' || pid || ' has been open for '"
                + " || date_trunc('second', now() - xact_start) || '; it holds back vacuum and a lock on the table"
                + " would wait for it' FROM pg_stat_activity WHERE xact_start < now() - interval '1 minute'"
                + " AND pid <> pg_backend_pid() AND datname = current_database()", rs -> rs.getString(1)));
        out.addAll(session.query("SELECT 'backend ' || a.pid || ' holds ' || l.mode || ' on the table' FROM pg_locks l"
                + " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.relation = ? AND l.granted"
                + " AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')",
                rs -> rs.getString(1), source.oid()));
        // A slot nobody reads keeps WAL until the disk fills: say so at every plan, whichever capture it uses.
        for (ReplicationSlot slot : LogicalSource.slots(session)) {
            out.add("doppel replication slot " + slot.describe() + "; `doppel status` shows its migration");
        }
        return out;
    }
}
