package dev.doppel.engine.shadow;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.Column;
import dev.doppel.engine.catalog.ConstraintInfo;
import dev.doppel.engine.catalog.IndexInfo;
import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.ColumnMapping;
import dev.doppel.engine.plan.ConcurrentIndex;
import dev.doppel.engine.plan.Subcommand;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.PartitionSql;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * Builds {@code doppel.shadow_<oid>}: a LIKE copy of the source with its index names restored, the user's ALTER
 * applied by PostgreSQL itself, and then stripped to a bare heap (indexes and foreign keys deferred) for the copy.
 * Columns map by position: LIKE numbers the live source columns 1..n and ALTER keeps attnums, so renames and type
 * changes map themselves and added columns come after n.
 */
public final class ShadowTableBuilder {

    /** Where {@link #concurrentIndexes} gives the empty copy the source's own name; only ever inside a rollback. */
    private static final String PROBE_SCHEMA = "doppel_probe";

    private final Session session;
    private final ObjectNames names;
    private final boolean foreignKeys;

    public ShadowTableBuilder(Session session, ObjectNames names) {
        this(session, names, true);
    }

    private ShadowTableBuilder(Session session, ObjectNames names, boolean foreignKeys) {
        this.session = session;
        this.names = names;
        this.foreignKeys = foreignKeys;
    }

    /**
     * A builder that leaves the source's foreign keys off the copy: adding one locks the referenced table (the
     * source itself for a self-reference) until the transaction ends, which a plan's timed sample must not do.
     */
    public ShadowTableBuilder withoutForeignKeys() {
        return new ShadowTableBuilder(session, names, false);
    }

    public ShadowTable build(TableInfo source, AlterChange change) throws SQLException {
        long shadowOid = copyDefinition(source, change.targetTree(source));
        Map<String, String> existingRows = ExistingRowFill.of(session, names.shadow(), change);
        applyChange(source, change);
        CatalogReader catalog = new CatalogReader(session);
        TableInfo target = catalog.read(shadowOid);
        ColumnMapping mapping = map(source, target, change, existingRows);
        List<DeferredObject> deferred = deferIndexes(target, source, mapping.targetKey());
        if (!isUniqueKey(target, mapping.targetKey())) {
            deferred.add(0, new DeferredObject(names.copyKeyIndexName(), "CREATE UNIQUE INDEX "
                    + quote(names.copyKeyIndexName()) + " ON " + names.shadow() + " ("
                    + Identifiers.list(mapping.targetKey()) + ")", true));
        }
        List<ForeignKey> foreignKeys = deferForeignKeys(target, source);
        return new ShadowTable(mapping, deferred, foreignKeys);
    }

    /**
     * What PostgreSQL would do to the rows under its lock to make this change, asked of PostgreSQL itself by applying
     * it to an empty copy: rewrite the table or an index (the relfilenode changes), build an index (a new one
     * appears, as for ADD COLUMN ... UNIQUE), or scan the table to validate a constraint (a CHECK or foreign key
     * appears validated, as for ADD COLUMN ... CHECK or a type change that re-checks one). Run it in a transaction the
     * caller rolls back. Returns those works ("rewrite the table", "build index t_x_key"), or null for none.
     */
    public String rebuilds(TableInfo source, AlterChange change) throws SQLException {
        long copy = copyDefinition(source, source.partitions());
        // A partitioned copy holds nothing itself: its partitions' files and constraints tell.
        String tree = "(SELECT ?::oid UNION SELECT relid FROM pg_partition_tree(?::oid::regclass))";
        String files = "SELECT CASE WHEN oid = ? THEN 'the table' ELSE 'partition ' || relname END,"
                + " relfilenode::bigint FROM pg_class WHERE oid IN " + tree + " UNION ALL"
                + " SELECT CASE WHEN x.indrelid = ? THEN 'index ' ELSE 'partition index ' END || c.relname,"
                + " c.relfilenode::bigint FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
                + " WHERE x.indrelid IN " + tree;
        String validated = "SELECT oid::bigint, conname FROM pg_constraint WHERE conrelid IN " + tree
                + " AND contype IN ('c', 'f') AND convalidated";
        Object[] params = {copy, copy, copy, copy, copy, copy};
        Map<String, Long> before = new HashMap<>();
        for (Object[] f : session.query(files, rs -> new Object[] {rs.getString(1), rs.getLong(2)}, params)) {
            before.put((String) f[0], (Long) f[1]);
        }
        Set<Long> checked = new HashSet<>(session.query(validated, rs -> rs.getLong(1), copy, copy));
        applyChange(source, change);
        List<String> works = new ArrayList<>();
        Map<String, Integer> partitionWorks = new LinkedHashMap<>();
        for (Object[] f : session.query(files, rs -> new Object[] {rs.getString(1), rs.getLong(2)}, params)) {
            Long was = before.get((String) f[0]);
            String verb = was == null ? "build" : !was.equals(f[1]) ? "rewrite" : null;
            String what = (String) f[0];
            if (verb != null && what.startsWith("partition ")) {
                // A tree's partitions and their indexes are counted, not listed: there may be thousands.
                partitionWorks.merge(verb + (what.startsWith("partition index ") ? " the partitions' indexes"
                        : " the partitions"), 1, Integer::sum);
            } else if (verb != null) {
                works.add(verb + " " + what);
            }
        }
        partitionWorks.forEach((work, n) -> works.add(work + " (" + n + ")"));
        Set<String> scans = new LinkedHashSet<>();
        for (Object[] c : session.query(validated, rs -> new Object[] {rs.getLong(1), rs.getString(2)}, copy, copy)) {
            if (!checked.contains((Long) c[0])) {
                scans.add("scan the table to validate constraint " + c[1]);
            }
        }
        works.addAll(scans);
        return works.isEmpty() ? null : String.join(", ", works);
    }

    /**
     * LIKE the source with everything LIKE leaves out restored, partitioned as {@code tree}; returns the copy's OID.
     * A partitioned table holds no rows and takes no storage options: a plain table's go to its new partitions.
     */
    private long copyDefinition(TableInfo source, PartitionTree tree) throws SQLException {
        session.execute("CREATE SCHEMA IF NOT EXISTS " + quote(ObjectNames.SCHEMA));
        String tablespace = session.text("SELECT t.spcname FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace"
                + " WHERE c.oid = ?", source.oid());
        session.execute("CREATE " + (source.persistence() == 'u' ? "UNLOGGED " : "") + "TABLE " + names.shadow()
                + " (LIKE " + source.qualified() + " INCLUDING ALL)"
                + (tree.partitioned() ? PartitionSql.partitionBy(tree.key()) : "")
                + (tablespace == null ? "" : " TABLESPACE " + quote(tablespace)));
        createPartitions(tree);
        // LIKE copies storage and compression but not per-column statistics targets.
        for (String[] target : session.query("SELECT attname, attstattarget::text FROM pg_attribute WHERE attrelid = ?"
                + " AND attnum > 0 AND NOT attisdropped AND attstattarget >= 0 ORDER BY attnum",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, source.oid())) {
            session.execute("ALTER TABLE " + names.shadow() + " ALTER COLUMN " + quote(target[0]) + " SET STATISTICS "
                    + Integer.parseInt(target[1]));
        }
        if (!source.reloptions().isEmpty() && !tree.partitioned()) {
            session.execute("ALTER TABLE " + names.shadow() + " SET (" + String.join(", ", source.reloptions()) + ")");
        }
        long shadowOid = session.number("SELECT to_regclass(?)::oid", names.shadow());
        // LIKE gives a copied identity column a bigint sequence with the source's bounds; with the source's type
        // back, the change keeps or widens it (type and bounds) as the blocking ALTER would.
        for (String[] identity : session.query("SELECT a.attname, format_type(q.seqtypid, NULL) FROM pg_attribute a"
                + " JOIN pg_depend d ON d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i'"
                + " AND d.classid = 'pg_class'::regclass JOIN pg_sequence q ON q.seqrelid = d.objid"
                + " WHERE a.attrelid = ? AND a.attidentity <> ''", rs -> new String[] {rs.getString(1), rs.getString(2)},
                source.oid())) {
            session.execute("ALTER SEQUENCE " + session.text("SELECT pg_get_serial_sequence(?, ?)", names.shadow(),
                    identity[0]) + " AS " + identity[1]);
        }
        restoreIndexNames(new CatalogReader(session).read(shadowOid), source);
        // The copy is empty: a partitioned one, which cannot take a foreign key NOT VALID before PostgreSQL 18,
        // validates its keys at once.
        for (ConstraintInfo fk : source.constraints()) {
            if (foreignKeys && fk.type() == 'f') {
                session.execute("ALTER TABLE " + names.shadow() + " ADD CONSTRAINT " + quote(fk.name()) + " "
                        + withoutNotValid(fk.definition()) + (tree.partitioned() ? "" : " NOT VALID"));
            }
        }
        return shadowOid;
    }

    /**
     * The shadow tree: each partition of the source again, under its own name in doppel's schema, with its bound,
     * its own partition key, storage options and tablespace. PostgreSQL gives each the partitioned table's indexes,
     * constraints and columns, as it does to a partition created on the source itself.
     */
    private void createPartitions(PartitionTree tree) throws SQLException {
        for (PartitionTree.Partition p : tree.partitions()) {
            String parent = tree.partitions().stream().filter(q -> q.oid() == p.parent()).findFirst()
                    .map(PartitionTree.Partition::shadow).orElse(names.shadow());
            session.execute(PartitionSql.createPartition(p.shadow(), parent, p.persistence() == 'u', p.bound(), p.key(),
                    p.reloptions(), p.tablespace()));
        }
    }

    /**
     * The UNIQUE and PRIMARY KEY constraints {@code change} adds, each as an index to build concurrently, named as a
     * blocking ALTER would name them: PostgreSQL itself adds them to an empty copy that has the source's name and
     * index names (in a scratch schema). Run it in a transaction the caller rolls back. A generated name that is
     * taken in the source's schema by another relation yields null: PostgreSQL would pick another, unknowable one.
     * The indexes of the {@code dropped} constraints do not count: they go before the new ones are attached.
     */
    public List<ConcurrentIndex> concurrentIndexes(TableInfo source, AlterChange change, List<String> dropped)
            throws SQLException {
        long copy = copyDefinition(source, source.partitions());
        session.execute("CREATE SCHEMA " + quote(PROBE_SCHEMA));
        session.execute("ALTER TABLE " + names.shadow() + " SET SCHEMA " + quote(PROBE_SCHEMA));
        session.execute("ALTER TABLE " + Identifiers.qualified(PROBE_SCHEMA, names.shadowName()) + " RENAME TO "
                + quote(source.name()));
        String probe = Identifiers.qualified(PROBE_SCHEMA, source.name());
        Set<Long> existing = new HashSet<>(session.query("SELECT oid::bigint FROM pg_constraint WHERE conrelid = ?",
                rs -> rs.getLong(1), copy));
        applyChange(source, change, probe);
        List<ConcurrentIndex> out = new ArrayList<>();
        for (Object[] row : session.query("SELECT con.conname, con.contype = 'p', pg_get_indexdef(con.conindid),"
                + " 'CREATE UNIQUE INDEX ' || quote_ident(i.relname) || ' ON ' || con.conrelid::regclass::text || ' ',"
                + " CASE WHEN con.condeferred THEN ' DEFERRABLE INITIALLY DEFERRED' WHEN con.condeferrable"
                + " THEN ' DEFERRABLE' ELSE '' END, ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY"
                + " k(attnum, n) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.n),"
                + " EXISTS (SELECT FROM pg_class c WHERE c.relnamespace = ?::regnamespace AND c.relname = con.conname"
                + " AND c.oid NOT IN (SELECT d.conindid FROM pg_constraint d WHERE d.conrelid = ?"
                + " AND d.conname = ANY (?))), con.oid::bigint"
                + " FROM pg_constraint con JOIN pg_class i ON i.oid = con.conindid WHERE con.conrelid = ?"
                + " AND con.contype IN ('p', 'u') ORDER BY con.oid", rs -> new Object[] {rs.getString(1),
                rs.getBoolean(2), rs.getString(3), rs.getString(4), rs.getString(5), Session.strings(rs.getArray(6)),
                rs.getBoolean(7), rs.getLong(8)}, quote(source.schema()), source.oid(), dropped.toArray(new String[0]),
                copy)) {
            String name = (String) row[0];
            if (existing.contains((Long) row[7])) {
                continue;
            }
            String definition = (String) row[2];
            String prefix = (String) row[3];
            if ((Boolean) row[6] || !definition.startsWith(prefix)) {
                return null;
            }
            @SuppressWarnings("unchecked")
            List<String> columns = (List<String>) row[5];
            out.add(new ConcurrentIndex(name, (Boolean) row[1], names.buildIndexName(out.size()),
                    definition.substring(prefix.length()), (String) row[4], columns));
        }
        return out;
    }

    /** The user's ALTER, applied by PostgreSQL to the copy: it validates the change as it would on the table. */
    private void applyChange(TableInfo source, AlterChange change) throws SQLException {
        applyChange(source, change, names.shadow());
    }

    private void applyChange(TableInfo source, AlterChange change, String table) throws SQLException {
        for (String statement : change.statementsFor(table)) {
            try {
                session.execute(statement);
            } catch (SQLException e) {
                throw new DoppelException(Reason.INVALID_ALTER, "PostgreSQL rejects the change on an empty copy of "
                        + source.display() + ": " + e.getMessage() + " (statement: " + statement + ")", e);
            }
        }
    }

    /** LIKE names copied indexes after the shadow; give each the name of the source index it copies. */
    private void restoreIndexNames(TableInfo shadow, TableInfo source) throws SQLException {
        List<IndexInfo> unmatched = new ArrayList<>(shadow.indexes());
        for (IndexInfo original : source.indexes()) {
            IndexInfo copy = unmatched.stream().filter(i -> i.shape().equals(original.shape())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("LIKE ... INCLUDING INDEXES did not copy index "
                            + original.name() + " of " + source.display()));
            unmatched.remove(copy);
            session.execute("ALTER INDEX " + Identifiers.qualified(ObjectNames.SCHEMA, copy.name()) + " RENAME TO "
                    + quote(original.name()));
        }
    }

    private List<DeferredObject> deferIndexes(TableInfo target, TableInfo source, List<String> targetKey)
            throws SQLException {
        List<DeferredObject> deferred = new ArrayList<>();
        for (IndexInfo index : target.indexes()) {
            boolean key = index.usableAsKey() && Set.copyOf(index.columns()).equals(Set.copyOf(targetKey))
                    && deferred.stream().noneMatch(DeferredObject::key);
            // Comments go with the object, so the rebuilt one carries them too.
            String indexComment = commentOn("ON INDEX " + Identifiers.qualified(ObjectNames.SCHEMA, index.name()),
                    session.text("SELECT obj_description(to_regclass(?), 'pg_class')",
                            Identifiers.qualified(ObjectNames.SCHEMA, index.name())));
            if (index.ownedByConstraint()) {
                String constraintComment = commentOn("ON CONSTRAINT " + quote(index.constraintName()) + " ON "
                        + names.shadow(), session.text("SELECT max(obj_description(oid, 'pg_constraint'))"
                        + " FROM pg_constraint WHERE conrelid IN (to_regclass(?), ?) AND conname = ?",
                        names.shadow(), source.oid(), index.constraintName()));
                session.execute("ALTER TABLE " + names.shadow() + " DROP CONSTRAINT " + quote(index.constraintName()));
                deferred.add(new DeferredObject(index.constraintName(), "ALTER TABLE " + names.shadow()
                        + " ADD CONSTRAINT " + quote(index.constraintName()) + " " + index.constraintDefinition()
                        + constraintComment + indexComment, key));
            } else {
                session.execute("DROP INDEX " + Identifiers.qualified(ObjectNames.SCHEMA, index.name()));
                deferred.add(new DeferredObject(index.name(), PartitionSql.onEveryPartition(index.definition())
                        + indexComment, key));
            }
        }
        deferred.sort((a, b) -> Boolean.compare(b.key(), a.key()));
        return deferred;
    }

    /**
     * The shadow's foreign keys and NOT VALID checks, dropped for the copy. A foreign key is validated after the
     * swap when the source's same-named key was valid, or when the change added it without NOT VALID. A check that
     * is NOT VALID on the source (LIKE makes it valid) or in the change stays NOT VALID: the rows it was never
     * checked against must neither fail the copy nor be validated later, as with a blocking ALTER.
     */
    private List<ForeignKey> deferForeignKeys(TableInfo target, TableInfo source) throws SQLException {
        Set<String> validAtSource = new HashSet<>();
        source.constraints().stream().filter(c -> c.type() == 'f' && c.validated()).forEach(c -> validAtSource.add(c.name()));
        Set<String> notValidAtSource = new HashSet<>();
        source.constraints().stream().filter(c -> c.type() == 'c' && !c.validated())
                .forEach(c -> notValidAtSource.add(c.name()));
        List<ForeignKey> out = new ArrayList<>();
        for (ConstraintInfo c : target.constraints()) {
            if (c.type() == 'c' && (!c.validated() || notValidAtSource.contains(c.name()))) {
                session.execute("ALTER TABLE " + names.shadow() + " DROP CONSTRAINT " + quote(c.name()));
                out.add(new ForeignKey(c.name(), withoutNotValid(c.definition()), false));
            } else if (c.type() == 'f') {
                session.execute("ALTER TABLE " + names.shadow() + " DROP CONSTRAINT " + quote(c.name()));
                boolean valid = !c.definition().endsWith(" NOT VALID") || validAtSource.contains(c.name());
                out.add(new ForeignKey(tableDerived(c.name(), source), withoutNotValid(c.definition()), valid));
            }
        }
        return out;
    }

    /** A name PostgreSQL derived from the shadow's ("shadow_123_b_fkey") as it derives it from the table's. */
    private String tableDerived(String name, TableInfo source) {
        String prefix = names.generatedPrefix();
        return name.startsWith(prefix) ? source.name() + "_" + name.substring(prefix.length()) : name;
    }

    /** "; COMMENT ON <what> IS '...'" to append to the statement that rebuilds the object, or "" for none. */
    private static String commentOn(String what, String comment) {
        return comment == null ? "" : "; COMMENT " + what + " IS " + Identifiers.literal(comment);
    }

    private static String withoutNotValid(String definition) {
        return definition.endsWith(" NOT VALID") ? definition.substring(0, definition.length() - 10) : definition;
    }

    /** {@code existingRows}: added columns the copy fills with an expression rather than the final default. */
    private static ColumnMapping map(TableInfo source, TableInfo target, AlterChange change,
                                     Map<String, String> existingRows) {
        List<Column> live = source.columns();
        List<String> current = new ArrayList<>(live.stream().map(Column::name).toList());
        Map<Integer, String> using = new HashMap<>();
        for (Subcommand sub : change.subcommands()) {
            int position = sub.column() == null ? -1 : current.indexOf(sub.column());
            if (position < 0) {
                continue;
            }
            switch (sub.kind()) {
                case RENAME_COLUMN -> current.set(position, sub.newName());
                case ALTER_COLUMN_TYPE -> {
                    if (sub.using() != null) {
                        using.put(position, sub.using());
                    }
                }
                default -> {
                }
            }
        }
        List<ColumnMapping.Target> targets = new ArrayList<>();
        boolean overriding = false;
        for (Column c : target.columns()) {
            if (c.attnum() > live.size()) {
                String fill = existingRows.get(c.name());
                targets.add(new ColumnMapping.Target(c.name(), c.type(), null, fill,
                        fill == null ? null : "CAST(" + fill + " AS " + c.type() + ")", c.isGenerated()));
                continue;
            }
            Column from = live.get(c.attnum() - 1);
            String usingExpression = using.get(c.attnum() - 1);
            String expression = usingExpression != null ? "(" + usingExpression + ")" : quote(from.name());
            String typed = usingExpression == null && from.type().equals(c.type()) ? quote(from.name())
                    : "CAST(" + expression + " AS " + c.type() + ")";
            targets.add(new ColumnMapping.Target(c.name(), c.type(), from.name(), expression, typed, c.isGenerated()));
            overriding |= c.isIdentityAlways() && !c.isGenerated();
        }
        return chooseKey(source, target, targets, overriding);
    }

    /** The first usable source key whose columns are still a usable unique key of the target. */
    private static ColumnMapping chooseKey(TableInfo source, TableInfo target, List<ColumnMapping.Target> targets,
                                           boolean overriding) {
        List<IndexInfo> sourceKeys = source.usableKeys();
        if (sourceKeys.isEmpty()) {
            throw new DoppelException(Reason.NO_USABLE_KEY, "table " + source.display() + " has no primary key or non-null"
                    + " unique index; doppel needs one to copy in keyset order (add a primary key, or a unique index on"
                    + " NOT NULL columns)");
        }
        for (IndexInfo key : sourceKeys) {
            List<String> mapped = new ArrayList<>();
            for (String col : key.columns()) {
                targets.stream().filter(t -> col.equals(t.source()) && t.copied()).findFirst()
                        .ifPresent(t -> mapped.add(t.name()));
            }
            if (mapped.size() != key.columns().size()) {
                continue;
            }
            if (isUniqueKey(target, mapped)) {
                return keyed(source, targets, key, mapped, overriding);
            }
        }
        // The change replaces the key (a primary key by a wider one): copy by the old one, which stays unique as
        // long as its columns are copied unchanged, through an index of its own on the shadow.
        for (IndexInfo key : sourceKeys) {
            List<String> mapped = new ArrayList<>();
            for (String col : key.columns()) {
                targets.stream().filter(t -> col.equals(t.source()) && t.copied()
                        && t.typedExpression().equals(quote(col))).findFirst().ifPresent(t -> mapped.add(t.name()));
            }
            if (mapped.size() == key.columns().size()) {
                return keyed(source, targets, key, mapped, overriding);
            }
        }
        throw new DoppelException(Reason.KEY_LOST, "after the change, " + source.display() + " would have no unique key"
                + " matching its current key " + sourceKeys.get(0).columns() + "; doppel copies and re-syncs rows by"
                + " that key, so keep a primary key or a unique index on NOT NULL columns over the same columns, or"
                + " the key's columns unchanged");
    }

    private static boolean isUniqueKey(TableInfo target, List<String> columns) {
        return target.usableKeys().stream().anyMatch(i -> Set.copyOf(i.columns()).equals(Set.copyOf(columns)));
    }

    private static ColumnMapping keyed(TableInfo source, List<ColumnMapping.Target> targets, IndexInfo key,
                                       List<String> mapped, boolean overriding) {
        for (String col : key.columns()) {
            if (col.equals("doppel_id") || col.equals("doppel_op")) {
                throw new DoppelException(Reason.RESERVED_COLUMN, "key column " + source.display() + "." + col
                        + " collides with doppel's change-log columns (doppel_id, doppel_op); rename it first");
            }
        }
        List<String> types = key.columns().stream().map(col -> source.column(col).orElseThrow().type()).toList();
        return new ColumnMapping(targets, key.columns(), types, mapped, overriding);
    }
}
