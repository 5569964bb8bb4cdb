package dev.doppel.engine;

import dev.doppel.engine.capture.LogicalPreflight;
import dev.doppel.engine.capture.LogicalSource;
import dev.doppel.engine.capture.ReplicationSlot;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.DependentObjects;
import dev.doppel.engine.catalog.Column;
import dev.doppel.engine.catalog.DiskHeadroom;
import dev.doppel.engine.catalog.DistributedTables;
import dev.doppel.engine.catalog.IndexInfo;
import dev.doppel.engine.catalog.LeafPartition;
import dev.doppel.engine.catalog.Replication;
import dev.doppel.engine.catalog.ServerState;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.cutover.DependentViews;
import dev.doppel.engine.cutover.Dependents;
import dev.doppel.engine.cutover.MaterializedViews;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.plan.ConcurrentIndex;
import dev.doppel.engine.plan.InverseMapping;
import dev.doppel.engine.plan.RevertUsing;
import dev.doppel.engine.plan.InPlaceSteps;
import dev.doppel.engine.plan.QualifiedName;
import dev.doppel.engine.plan.Subcommand;
import dev.doppel.engine.shadow.DeferredObject;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.shadow.ShadowTableBuilder;
import dev.doppel.engine.sql.AdvisoryLock;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.InPlaceSql;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.SwapSql;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.MigrationStore;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The read-only checks before anything is created: the change parses; the table exists, has a usable key that
 * survives the change, and carries nothing a swap would break; no earlier migration left work behind; and the
 * whole shadow build plus every generated statement runs cleanly inside a transaction that is rolled back.
 */
final class Preflight {

    private final Session session;
    private final String tableName;
    private final String alter;
    private final Options options;

    Preflight(Session session, String tableName, String alter, Options options) {
        this.session = session;
        this.tableName = tableName;
        this.alter = alter;
        this.options = options;
    }

    /**
     * @param timed whether to time a sample of the work for the plan's estimates; {@code run} does not show them, so
     *              it skips the sample (on a 2M-row table it cost a second of preflight)
     */
    Plan plan(boolean timed) throws SQLException {
        AlterChange change = AlterParser.parse(alter);
        TableInfo source = new CatalogReader(session).read(tableName);
        DistributedTables.refuse(session, source);
        change.tableName().ifPresent(named -> checkSameTable(named, source));
        ObjectNames names = new ObjectNames(source.oid());
        checkNoLeftovers(source, names);
        LeafPartition leaf = LeafPartition.read(session, source.oid());
        String why;
        if (change.changesPartitioning()) {
            why = change.isUnpartition() ? "unpartitioning: the partitioned table is rewritten into a plain one with"
                    + " the same columns, indexes, constraints and rows" : "partitioning: the table is rewritten into a"
                    + " table partitioned by " + change.partitioning().key() + ", its indexes partitioned, each row"
                    + " in its partition";
        } else if (change.isRepack()) {
            why = "online repack: the table is rewritten as it is, shedding its bloat" + (change.orderBy() == null
                    ? "" : ", its rows written in the order of " + change.orderBy());
            if (leaf != null) {
                why += "; a partition of " + leaf.parentDisplay() + " alone: its copy is a plain table that takes its"
                        + " place by DETACH and ATTACH PARTITION " + leaf.bound() + " at the swap";
            }
        } else {
            InPlaceSteps steps = InPlaceSteps.of(change);
            String rebuilds = rebuilds(source, change, steps, names);
            if (rebuilds == null && source.partitions().partitioned() && (!steps.uniques().isEmpty()
                    || !steps.validate().isEmpty() || !steps.notNull().isEmpty())) {
                rebuilds = "build or check what the change adds on every partition: PostgreSQL cannot build an index"
                        + " on a partitioned table concurrently, and doppel makes only catalog changes to one in place";
            } else if (rebuilds == null && steps != null && !steps.uniques().isEmpty()) {
                steps = concurrentIndexes(source, steps, names);
                rebuilds = steps == null ? "scan the table to build the index of a constraint whose generated name"
                        + " is taken in schema " + source.schema() + " (name the constraint to let doppel build it"
                        + " concurrently)" : null;
            }
            if (rebuilds == null && options.rewrite() != Options.Rewrite.ALWAYS) {
                refuseDroppingDepended(source, steps.dropped(), names, true);
                boolean scans = !steps.validate().isEmpty() || !steps.indexes().isEmpty();
                Sample sample = scans && timed ? Sample.ofScan(session, source) : null;
                ServerState server = server(source, false);
                return new Plan(source, change, Plan.Strategy.IN_PLACE, "PostgreSQL makes this change without"
                        + " rewriting the table or scanning it under its lock: doppel runs it on the table itself,"
                        + " taking the lock in short attempts", null, steps, List.of(), warnings(source, server), null,
                        Schedule.routes(change, Plan.Strategy.IN_PLACE),
                        Schedule.inPlace(source, steps, options, sample), server, options.capture(), Duration.ZERO);
            }
            why = rebuilds == null ? "a rewrite was asked for" : "in place, PostgreSQL would " + rebuilds
                    + " under an ACCESS EXCLUSIVE lock";
        }
        if (options.rewrite() == Options.Rewrite.NEVER) {
            throw new DoppelException(Reason.REWRITE_NEEDED, "the change of " + source.display() + " needs a rewrite ("
                    + why + ") and rewriting was forbidden; allow it, or change less at once");
        }
        if (!change.isRepack()) {
            refuseDroppingDepended(source, change.subcommands(Subcommand.Kind.DROP_CONSTRAINT), names, false);
        }
        refuseLeafChange(source, leaf, change);
        List<String> blockers = DependentObjects.blockers(session, source);
        if (!blockers.isEmpty()) {
            throw new DoppelException(Reason.UNSUPPORTED_DEPENDENTS, "doppel cannot migrate " + source.display()
                    + " yet:\n  - " + String.join("\n  - ", blockers));
        }
        refuseRowSecurity(source);
        refusePartitioned(source, change);
        PartitioningCheck.refuse(session, source, change, options);
        ServerState server = server(source, true);
        server.disk().refuseIfShort(source.display());
        List<String> warnings = warnings(source, server);
        warnings.addAll(endedReverts(source));
        Sample[] sample = new Sample[1];
        InverseMapping[] inverse = new InverseMapping[1];
        // The copy's foreign keys lock the tables they reference until this rolls back: short attempts.
        ShadowTable shadow = options.lockRetry(session).runRolledBack("checking the change on an empty copy of "
                + source.display(), s -> {
            ShadowTable built = new ShadowTableBuilder(s, names).build(source, change);
            if (change.partitioning() != null) {
                PartitioningCheck.refuseRowsOutside(s, source, change.partitioning(), names);
            }
            dryRun(s, source, built, new MigrationSql(source, change.targetTree(source), names, built.mapping()),
                    change, warnings, false);
            MaterializedViews.read(s, source, names).buildIn(s, true);
            inverse[0] = inverse(s, source, built, names, options);
            return built;
        });
        if (timed) {
            sample[0] = timedSample(source, change, names, warnings);
        }
        checkColumnUsers(source, shadow);
        keyOrderWarning(source, shadow.mapping().sourceKey()).ifPresent(warnings::add);
        List<String> carried = new ArrayList<>(Dependents.read(session, source.oid(),
                List.of(names.rowTrigger(), names.truncateTrigger()), names.publication()).describe());
        carried.addAll(DependentViews.read(session, source.oid()).describe());
        carried.addAll(MaterializedViews.read(session, source, names).describe());
        narrowSequences(source, shadow, carried, warnings);
        if (options.capture() == Options.Capture.LOGICAL) {
            warnings.addAll(new LogicalPreflight(session).check(source, shadow.mapping().sourceKey()));
        }
        List<Plan.Step> steps = Schedule.rewrite(source, change, shadow, names, options, sample[0]);
        if (leaf != null) {
            steps = Schedule.leafCutover(steps, source, leaf, options);
        }
        return new Plan(source, change, Plan.Strategy.REWRITE, why, shadow, null, carried, warnings, inverse[0],
                Schedule.routes(change, Plan.Strategy.REWRITE), steps, server, options.capture(),
                options.revertWindow());
    }

    /**
     * A partition is rewritten only to repack it alone: its columns must stay its parent's, and doppel swaps it
     * in with a copy through DETACH and ATTACH, which neither logical capture nor a revert window follow yet.
     */
    private void refuseLeafChange(TableInfo source, LeafPartition leaf, AlterChange change) {
        if (leaf == null) {
            return;
        }
        if (!change.isRepack()) {
            throw new DoppelException(Reason.UNSUPPORTED_DEPENDENTS, source.display() + " is a partition of "
                    + leaf.parentDisplay() + ", and a partition's columns must match its parent's: run it on the"
                    + " partitioned table, which doppel changes as a whole (a partition alone can be repacked:"
                    + " no --alter, optionally --order-by)");
        }
        String refused = null;
        if (options.capture() == Options.Capture.LOGICAL) {
            refused = "--capture logical; use the default --capture trigger";
        } else if (!options.revertWindow().isZero() && !options.keepOld().isZero()) {
            refused = "--revert-window: the way back would swap the partition back, which is not implemented; run"
                    + " without it (the old partition is kept as a snapshot in schema doppel)";
        }
        if (refused != null) {
            throw new DoppelException(Reason.PARTITIONED_UNSUPPORTED, source.display() + " is a partition of "
                    + leaf.parentDisplay() + ", and a repack of one partition alone does not offer " + refused);
        }
    }

    /**
     * The way back for a revert, derived from the change and the user's {@code --revert-using}, and checked by
     * PostgreSQL: the re-sync statements from the new shape back to the old one must compile (a cast back must
     * exist). Run inside a transaction the caller rolls back, with the shadow built.
     */
    static InverseMapping inverse(Session s, TableInfo source, ShadowTable shadow, ObjectNames names, Options options)
            throws SQLException {
        if (options.keepOld().isZero()) {
            return InverseMapping.none("the old table is dropped right after the swap (--drop-old)");
        }
        if (options.revertWindow().isZero()) {
            return InverseMapping.none("no revert window was asked for: --revert-window <duration> keeps one, at the"
                    + " cost of a trigger on the new table logging every write until then");
        }
        if (options.capture() == Options.Capture.LOGICAL) {
            throw new DoppelException(Reason.REVERT_WINDOW_LOGICAL, "a revert window logs every write to the new table"
                    + " with a trigger, which --capture logical is chosen to keep off the write path; run without"
                    + " --revert-window (the old table is kept as a snapshot), or with --capture trigger");
        }
        InverseMapping inverse = InverseMapping.derive(source, shadow.mapping(), RevertUsing.parse(options.revertUsing()));
        if (!inverse.exists()) {
            return inverse;
        }
        MigrationSql back = MigrationSql.reverse(names.shadow(), source.qualified(), names, inverse.mapping());
        s.execute("SAVEPOINT doppel_revert_check");
        try {
            s.execute(back.createLog());
            s.execute("EXPLAIN " + back.resyncUpsert(), (Object) new Long[0]);
            s.execute("EXPLAIN " + back.resyncDelete(), (Object) new Long[0]);
            if (!inverse.checks().isEmpty()) {
                s.execute("EXPLAIN " + back.lossyKey(inverse.checks()), (Object) new Long[0]);
            }
            s.execute("RELEASE SAVEPOINT doppel_revert_check");
            return inverse;
        } catch (SQLException e) {
            s.execute("ROLLBACK TO SAVEPOINT doppel_revert_check");
            return InverseMapping.none("PostgreSQL cannot fill the old table back from the new one: " + e.getMessage()
                    + (options.revertUsing() == null ? " (give the inverse with --revert-using 'column=expression')"
                    : ""));
        }
    }

    /**
     * What PostgreSQL would do to the rows under its lock to make the change in place ("rewrite the table", "build
     * index x", "scan the table to validate constraint y"), or null when it can make it in the catalog alone. Only
     * subcommands that never scan the table under their lock can qualify; the rest are asked of PostgreSQL on an
     * empty copy.
     */
    private String rebuilds(TableInfo source, AlterChange change, InPlaceSteps steps, ObjectNames names)
            throws SQLException {
        if (steps == null) {
            return "scan or rewrite the table for " + change.subcommands().stream()
                    .filter(sub -> InPlaceSteps.of(AlterParser.parse(sub.text())) == null).map(Subcommand::text)
                    .findFirst().orElse(change.text());
        }
        if (steps.locked() == null) {
            return null;
        }
        return options.lockRetry(session).runRolledBack("asking PostgreSQL how it would make the change on "
                + source.display(), s -> Optional.ofNullable(new ShadowTableBuilder(s, names).rebuilds(source,
                steps.locked()))).orElse(null);
    }

    /** The steps with each UNIQUE / PRIMARY KEY resolved into an index to build concurrently, or null if one can't be. */
    private InPlaceSteps concurrentIndexes(TableInfo source, InPlaceSteps steps, ObjectNames names) throws SQLException {
        List<ConcurrentIndex> indexes = options.lockRetry(session).runRolledBack("naming the indexes of "
                + source.display(), s -> Optional.ofNullable(new ShadowTableBuilder(s, names).concurrentIndexes(source,
                steps.keyChange(), steps.dropped().stream().map(Subcommand::constraint).toList()))).orElse(null);
        Set<String> nullable = source.columns().stream().filter(c -> !c.notNull()).map(Column::name)
                .collect(Collectors.toSet());
        return indexes == null ? null : steps.withIndexes(indexes, nullable);
    }

    /**
     * A constraint dropped without CASCADE that other objects depend on: the blocking ALTER fails, so doppel refuses
     * before it builds anything. (The probe on an empty copy cannot see it: nothing references the copy.) With
     * CASCADE they go with it in place; a rewrite re-creates what references the table at the swap, so there it
     * refuses them too.
     */
    private void refuseDroppingDepended(TableInfo source, List<Subcommand> drops, ObjectNames names, boolean inPlace)
            throws SQLException {
        for (Subcommand drop : drops) {
            boolean cascade = drop.text().toUpperCase(java.util.Locale.ROOT).matches("(?s).*\\bCASCADE");
            if (cascade && inPlace) {
                continue;
            }
            List<String> dependents = session.query(new InPlaceSql(source, names).dependentsOfConstraint(),
                    rs -> rs.getString(1), drop.constraint());
            String them = dependents.size() == 1 ? "it" : "them";
            if (!dependents.isEmpty() && cascade) {
                throw new DoppelException(Reason.UNSUPPORTED_ALTER, "the change rewrites " + source.display() + ", and"
                        + " a rewrite re-creates what depends on the table at its swap, so it cannot drop "
                        + String.join(", ", dependents) + " with constraint " + drop.constraint() + " by CASCADE. Drop "
                        + them + " first, or make the constraint change on its own (in place); nothing was changed");
            }
            if (!dependents.isEmpty()) {
                throw new DoppelException(Reason.INVALID_ALTER, "PostgreSQL would reject the change: cannot drop"
                        + " constraint " + drop.constraint() + " on " + source.display() + " because "
                        + String.join(", ", dependents) + " depend" + (dependents.size() == 1 ? "s" : "") + " on it."
                        + " Drop " + them + " first, or add CASCADE to the DROP CONSTRAINT to drop " + them + " with it;"
                        + " nothing was changed");
            }
        }
    }

    /**
     * The timed sample, in a transaction of its own that locks no other table: the shadow built above added the
     * table's foreign keys, which lock the referenced tables (and the table itself for a self-reference) against
     * writes until that transaction ends, so this one builds it without them. A change that adds a foreign key
     * itself would lock its parent here too: it gets no timed sample.
     */
    private Sample timedSample(TableInfo source, AlterChange change, ObjectNames names, List<String> warnings)
            throws SQLException {
        boolean addsForeignKey = change.subcommands().stream().anyMatch(sub ->
                sub.constraintType() == Subcommand.ConstraintType.FOREIGN_KEY
                        || sub.text().toUpperCase(java.util.Locale.ROOT).matches("(?s).*\\bREFERENCES\\b.*"));
        if (addsForeignKey) {
            warnings.add("no timed sample, so no time estimates: the change adds a foreign key, and a sample would"
                    + " hold its referenced table locked against writes while it runs");
            return null;
        }
        try {
            return session.rolledBack(s -> {
                s.execute("SET LOCAL lock_timeout = '2s'");
                ShadowTable built = new ShadowTableBuilder(s, names).withoutForeignKeys().build(source, change);
                return dryRun(s, source, built, new MigrationSql(source, change.targetTree(source), names,
                        built.mapping()), change, warnings, true);
            });
        } catch (DoppelException e) {
            // The change needs the foreign keys the sample's shadow leaves off (it drops or alters one).
            warnings.add("no timed sample, so no time estimates: " + e.getMessage());
            return null;
        }
    }

    /**
     * Every statement the migration generates, run once so PostgreSQL checks them now: when {@code timed}, the
     * copy, index builds and digest over a sample of the table's first rows, timed for the plan's estimates
     * (returned; null if the sample failed, which is then a warning); the rest, and otherwise all, against the empty
     * shadow.
     */
    private static Sample dryRun(Session s, TableInfo source, ShadowTable shadow, MigrationSql sql, AlterChange change,
                                 List<String> warnings, boolean timed) throws SQLException {
        Long[] none = new Long[0];
        s.execute(sql.createLog());
        s.execute(sql.createCaptureFunction());
        s.execute("EXPLAIN " + sql.copyChunk(true, false).replace("OFFSET ?", "OFFSET 0"));
        if (change.orderBy() != null) {
            try {
                s.execute(sql.createOrderIndex(change.orderBy()));
            } catch (SQLException e) {
                throw new DoppelException(Reason.INVALID_ALTER, "the repack order of " + source.display() + " is not valid"
                        + " in an index: " + e.getMessage() + ". Give columns or expressions as in CREATE INDEX", e);
            }
        }
        Sample sample = null;
        s.execute("SAVEPOINT sample");
        try {
            sample = timed ? Sample.ofRewrite(s, sql, shadow.deferred()) : null;
        } catch (SQLException e) {
            s.execute("ROLLBACK TO SAVEPOINT sample");
            warnings.add("copying the first " + Sample.ROWS + " rows into the new shape failed, as the copy would: "
                    + e.getMessage());
        }
        if (sample == null) {
            for (DeferredObject d : shadow.deferred()) {
                s.execute(d.create());
            }
        }
        s.update(sql.resyncUpsert(), (Object) none);
        try {
            s.update(sql.resyncDelete(), (Object) none);
        } catch (SQLException e) {
            throw new DoppelException(Reason.UNSUPPORTED_KEY_CHANGE, "the change transforms the key of " + source.display()
                    + " in a way doppel cannot follow: " + e.getMessage() + ". A USING expression on a key column may"
                    + " refer only to key columns", e);
        }
        for (MigrationSql.Rows rows : MigrationSql.Rows.values()) {
            for (boolean sourceSide : new boolean[] {true, false}) {
                s.execute("EXPLAIN " + sql.total(sourceSide, MigrationSql.Digest.TEXT, Set.of(), rows));
                s.execute("EXPLAIN " + sql.digest(sourceSide, MigrationSql.Digest.TEXT, null, 2, Set.of(), rows));
            }
        }
        return sample;
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
            throw new DoppelException(Reason.VIEW_BREAKS, "doppel recreates these objects from their definitions at the"
                    + " swap, and they would no longer compile:\n  - " + String.join("\n  - ", broken)
                    + "\nChange or drop them first, or keep the columns they use");
        }
    }

    /** What doppel does not offer for a partitioned table yet, each refused with what to do instead. */
    private void refusePartitioned(TableInfo source, AlterChange change) {
        if (!source.partitions().partitioned()) {
            return;
        }
        if (change.orderBy() != null) {
            throw new DoppelException(Reason.PARTITIONED_UNSUPPORTED, source.display() + " is partitioned, and doppel"
                    + " does not offer a repack order (--order-by): CLUSTER of a partitioned table is not available"
                    + " on every supported PostgreSQL version; repack without an order, or each partition alone with"
                    + " it (--table <partition> --order-by ...)");
        }
    }

    /**
     * The copy reads the table in chunks ordered by the key's columns; a key index that is DESC, of another collation
     * or operator class (or not a btree) cannot serve that order, so each chunk sorts the rest of the table.
     */
    private static Optional<String> keyOrderWarning(TableInfo source, List<String> key) {
        List<IndexInfo> indexes = source.usableKeys().stream()
                .filter(i -> i.columns().equals(key)).toList();
        if (indexes.isEmpty() || indexes.stream().anyMatch(IndexInfo::ordersAsColumns)) {
            return Optional.empty();
        }
        return Optional.of("the copy reads " + source.display() + " in the order of its key " + key
                + ", which index " + indexes.get(0).name() + " cannot serve (" + indexes.get(0).shape() + ": a DESC"
                + " column, another collation or operator class): each chunk sorts the rest of the table, so the copy"
                + " slows down with the square of its size. Give the table a plain unique index on those columns"
                + " first (CREATE UNIQUE INDEX CONCURRENTLY ... ON " + source.display() + " ("
                + String.join(", ", key.stream().map(Identifiers::quote).toList()) + "))");
    }

    /**
     * doppel reads with row_security off, so a role the table's policies apply to would fail rather than copy a
     * filtered table: refuse it now. Policies spare superusers, BYPASSRLS roles and the owner, unless FORCE ROW
     * LEVEL SECURITY applies them to the owner too.
     */
    private void refuseRowSecurity(TableInfo source) throws SQLException {
        Boolean force = session.one("SELECT c.relforcerowsecurity FROM pg_class c, pg_roles r WHERE c.oid = ?"
                + " AND r.rolname = current_user AND c.relrowsecurity AND NOT r.rolsuper AND NOT r.rolbypassrls"
                + " AND (c.relforcerowsecurity OR NOT pg_has_role(current_user, c.relowner, 'USAGE'))",
                rs -> rs.getBoolean(1), source.oid());
        if (force != null) {
            String role = session.text("SELECT current_user");
            throw new DoppelException(Reason.ROW_SECURITY, "role " + role + " is subject to the row-level security"
                    + " policies of " + source.display() + (force ? " (FORCE ROW LEVEL SECURITY applies them to its"
                    + " owner too)" : "") + ", so it cannot read every row, and doppel must copy every row. Run doppel"
                    + " as a role that bypasses them: a superuser, or one given BYPASSRLS (ALTER ROLE "
                    + Identifiers.quote(role) + " BYPASSRLS)");
        }
    }

    /**
     * A serial column the change widens to bigint keeps its sequence, which PostgreSQL leaves AS integer: the very
     * cap the change is made to escape. Say so, or (when asked) that the swap widens it.
     */
    private void narrowSequences(TableInfo source, ShadowTable shadow, List<String> carried, List<String> warnings)
            throws SQLException {
        for (TableInfo.OwnedSequence seq : source.ownedSequences()) {
            String name = seq.schema() + "." + seq.name();
            boolean widened = shadow.mapping().targets().stream()
                    .anyMatch(t -> seq.column().equals(t.source()) && t.type().equals("bigint"));
            List<String[]> narrow = session.query(SwapSql.narrowerSequence(),
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, seq.qualified());
            if (!widened || narrow.isEmpty()) {
                continue;
            }
            if (options.widenSequences()) {
                carried.add("sequence " + name + " of column " + seq.column() + ": widened from "
                        + narrow.get(0)[0] + " to bigint in the swap (--widen-sequences)");
            } else {
                warnings.add("sequence " + name + " of column " + seq.column() + " stays AS "
                        + narrow.get(0)[0] + ", as after the blocking ALTER: it still stops at "
                        + String.format(java.util.Locale.ROOT, "%,d", Long.parseLong(narrow.get(0)[1]))
                        + " although the column is now bigint; --widen-sequences widens it in the same swap");
            }
        }
    }

    private static void checkSameTable(QualifiedName named, TableInfo source) {
        boolean same = named.name().equals(source.name())
                && (named.schema() == null || named.schema().equals(source.schema()));
        if (!same) {
            throw new DoppelException(Reason.TABLE_MISMATCH, "the ALTER names table "
                    + (named.schema() == null ? "" : named.schema() + ".") + named.name() + " but the migration is"
                    + " for " + source.display() + "; give the subcommands only, or name the same table");
        }
    }

    private void checkNoLeftovers(TableInfo source, ObjectNames names) throws SQLException {
        AdvisoryLock.refuseIfHeld(session, names, source.display());
        String slot = LogicalSource.slotName(session, names);
        if (LogicalSource.slotExists(session, slot)) {
            throw new DoppelException(Reason.LEFTOVER, "an earlier doppel migration of " + source.display() + " left"
                    + " replication slot " + slot + " behind (it keeps WAL); `doppel status` lists it: resume or"
                    + " abort that migration, or drop the slot (docs/operations.md, removing doppel's objects)");
        }
        for (String leftover : List.of(names.shadow(), names.log())) {
            if (session.exists(leftover)) {
                throw new DoppelException(Reason.LEFTOVER, "an earlier doppel migration of " + source.display() + " left "
                        + leftover + " behind; `doppel status` lists it: resume it, or abort it to start over");
            }
        }
        List<String> taken = source.partitions().takenShadows(session);
        if (!taken.isEmpty()) {
            throw new DoppelException(Reason.LEFTOVER, "doppel builds the copy of each partition of " + source.display()
                    + " under the partition's name in schema " + ObjectNames.SCHEMA + ", and " + String.join("; ", taken)
                    + ": an earlier migration's leftover (`doppel status`; resume or abort it), or a relation to"
                    + " rename or drop");
        }
    }

    /** Disk headroom (only a rewrite needs any), replicas and slots. */
    private ServerState server(TableInfo source, boolean rewrites) throws SQLException {
        return new ServerState(rewrites ? DiskHeadroom.probe(session, source, options.minFreeBytes())
                : DiskHeadroom.notNeeded(),
                Replication.read(session));
    }

    /**
     * A rewrite's swap retires the table, and with it the revert capture an earlier migration left on it: say which
     * revert it ends, while that can still be made first.
     */
    private List<String> endedReverts(TableInfo source) throws SQLException {
        List<String> out = new ArrayList<>();
        for (long earlier : session.query(MigrationSql.revertCapturesOn(), rs -> rs.getLong(1), source.oid())) {
            MigrationRecord r = new MigrationStore(session).revertableOf(earlier);
            String which = r == null ? "an earlier doppel migration (revert capture doppel_revert_" + earlier + ")"
                    : "migration " + r.id() + " (" + r.change() + ")";
            out.add(which + " can still be reverted" + (r == null || r.dropAfter() == null ? ""
                    : " until " + r.dropAfter()) + ": this change rewrites " + source.display() + ", and its swap"
                    + " ends that revert for good (its revert capture goes with the retired table). "
                    + (r == null ? "Revert it first" : "Run `doppel revert " + r.id() + "` first") + " if it may be"
                    + " needed");
        }
        return out;
    }

    private List<String> warnings(TableInfo source, ServerState server) throws SQLException {
        List<String> out = new ArrayList<>(server.warnings());
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
