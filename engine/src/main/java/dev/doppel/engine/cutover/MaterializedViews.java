package dev.doppel.engine.cutover;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.MatviewSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The materialized views reading the table. PostgreSQL binds each to the table's OID, so each is built again
 * before the cut-over, as {@code doppel.mv_<oid>_<n>}, from its own definition against the shadow (which the
 * definition names by the table's name: the shadow takes that name for the build, inside its transaction), with
 * its options, tablespace, indexes, owner, grants and comments, and populated from the shadow then, outside any
 * lock on the table; the swap drops the old one and gives the copy its schema, name and index names. A view left
 * unpopulated stays so. Invariant: a copy reads exactly the relations its original reads, the shadow in the
 * table's place, or it is refused.
 */
public final class MaterializedViews {

    /** One materialized view, as the catalog describes it. */
    record Matview(long oid, String schema, String name, List<String> options, String tablespace, String owner,
                   String comment, boolean populated, List<String> grants, List<Index> indexes) {

        String qualified() {
            return Identifiers.qualified(schema, name);
        }

        /** As the user reads it. */
        String display() {
            return schema + "." + name;
        }
    }

    /** One of its indexes: name, definition, the part of it naming the index and the view, comment. */
    record Index(String name, String definition, String head, String comment) {
    }

    private final List<Matview> views;
    private final TableInfo source;
    private final ObjectNames names;

    private MaterializedViews(List<Matview> views, TableInfo source, ObjectNames names) {
        this.views = views;
        this.source = source;
        this.names = names;
    }

    public static MaterializedViews read(Session s, TableInfo source, ObjectNames names) throws SQLException {
        List<Matview> views = new ArrayList<>();
        for (long oid : s.query(MatviewSql.onTable(), rs -> rs.getLong(1), source.oid())) {
            List<Index> indexes = s.query(MatviewSql.indexes(), rs -> new Index(rs.getString(1), rs.getString(2),
                    rs.getString(3), rs.getString(4)), oid);
            views.add(s.one(MatviewSql.describe(), rs -> new Matview(oid, rs.getString(1), rs.getString(2),
                    Session.strings(rs.getArray(3)), rs.getString(4), rs.getString(5), rs.getString(6),
                    rs.getBoolean(7), Session.strings(rs.getArray(8)), indexes), oid));
        }
        return new MaterializedViews(views, source, names);
    }

    /** None: a swap back carries none (a revert refuses a table that has any). */
    public static MaterializedViews none(TableInfo source, ObjectNames names) {
        return new MaterializedViews(List.of(), source, names);
    }

    /** The views, as the user names them. */
    public List<String> names() {
        return views.stream().map(Matview::display).toList();
    }

    public boolean isEmpty() {
        return views.isEmpty();
    }

    /** One line per materialized view the swap carries, saying how fresh its rows will be. */
    public List<String> describe() {
        return views.stream().map(v -> "materialized view " + v.display() + ": re-created against the"
                + " new table with its indexes, options, owner, grants and comments, " + (v.populated()
                ? "populated from the new table just before the cut-over (its rows are as of then, as after a REFRESH"
                + " at that moment; the blocking ALTER would keep the rows of its last REFRESH)"
                : "left unpopulated, as it is")).toList();
    }

    /**
     * Builds the copies (dropping any an earlier, stopped run left), in one transaction on {@code s}; with
     * {@code empty}, unpopulated whatever the original (the dry run's check that each definition compiles against
     * the shadow and reads what the original reads).
     */
    public void build(Session s, boolean empty) throws SQLException {
        dropCopies(s, names);
        if (views.isEmpty()) {
            return;
        }
        s.transaction(t -> {
            buildIn(t, empty);
            return null;
        });
    }

    /** As {@link #build}, inside the caller's transaction. */
    public void buildIn(Session s, boolean empty) throws SQLException {
        String searchPath = s.text("SHOW search_path");
        s.execute(MatviewSql.searchPath(List.of(quote(source.schema()))));
        List<String> definitions = new ArrayList<>();
        for (Matview v : views) {
            definitions.add(s.text(MatviewSql.definition(), v.oid()));
        }
        // The definitions name the table as its own schema's search path shows it; for the build, the shadow
        // takes that name in a scratch schema first on the path, and then goes back.
        String scratch = quote("doppel_mv_" + names.oid());
        String moved = scratch + "." + quote(source.name());
        s.execute(MatviewSql.createSchema(scratch));
        s.execute(MatviewSql.setTableSchema(names.shadow(), scratch));
        s.execute(MatviewSql.renameTable(scratch + "." + quote(names.shadowName()), source.name()));
        s.execute(MatviewSql.searchPath(List.of(scratch, quote(source.schema()))));
        for (int n = 0; n < views.size(); n++) {
            Matview v = views.get(n);
            try {
                s.execute(MatviewSql.create(copy(n), v.options(), v.tablespace(), definitions.get(n),
                        v.populated() && !empty));
            } catch (SQLException e) {
                throw new DoppelException(Reason.UNSUPPORTED_DEPENDENTS, "materialized view " + v.display() + " on "
                        + source.display() + " cannot be built again against the new table: " + e.getMessage()
                        + ". Drop it before the migration and create it again after", e);
            }
        }
        s.execute(MatviewSql.renameTable(moved, names.shadowName()));
        s.execute(MatviewSql.setTableSchema(scratch + "." + quote(names.shadowName()), quote(ObjectNames.SCHEMA)));
        s.execute(MatviewSql.dropSchema(scratch));
        s.execute(MatviewSql.restoreSearchPath(), searchPath);
        for (int n = 0; n < views.size(); n++) {
            Matview v = views.get(n);
            String copy = copy(n);
            checkReads(s, v, copy);
            for (int i = 0; i < v.indexes().size(); i++) {
                Index index = v.indexes().get(i);
                s.execute(index.definition().replace(index.head(), "INDEX " + quote(indexName(n, i)) + " ON " + copy
                        + " "));
                if (index.comment() != null) {
                    s.execute(MatviewSql.indexComment(Identifiers.qualified(ObjectNames.SCHEMA, indexName(n, i)),
                            index.comment()));
                }
            }
            s.execute(MatviewSql.ownerTo(copy, v.owner()));
            for (String grant : v.grants()) {
                s.execute(MatviewSql.grant(copy, grant));
            }
            if (v.comment() != null) {
                s.execute(MatviewSql.comment(copy, v.comment()));
            }
            for (String[] column : s.query(MatviewSql.columnComments(), rs -> new String[] {rs.getString(1),
                    rs.getString(2)}, v.oid())) {
                s.execute(MatviewSql.columnComment(copy, column[0], column[1]));
            }
        }
    }

    /**
     * In the swap, before the renames: drops the old views, refusing one that appeared since the copies were built
     * (the swap would leave it reading the old table).
     */
    void dropOld(Session s) throws SQLException {
        Set<Long> built = new HashSet<>(views.stream().map(Matview::oid).toList());
        for (long oid : s.query(MatviewSql.onTable(), rs -> rs.getLong(1), source.oid())) {
            if (!built.contains(oid)) {
                throw new DoppelException(Reason.UNSUPPORTED_DEPENDENTS, "materialized view "
                        + s.text("SELECT ?::oid::regclass::text", oid) + " appeared on " + source.display()
                        + " during the migration; nothing was swapped. Resume to build it again with the others");
            }
        }
        for (Matview v : views) {
            s.execute(MatviewSql.drop(v.qualified()));
        }
    }

    /** In the swap, after the renames: each copy takes its original's schema, name and index names. */
    void moveIn(Session s) throws SQLException {
        for (int n = 0; n < views.size(); n++) {
            Matview v = views.get(n);
            s.execute(MatviewSql.setSchema(copy(n), quote(v.schema())));
            s.execute(MatviewSql.rename(Identifiers.qualified(v.schema(), copyName(n)), v.name()));
            for (int i = 0; i < v.indexes().size(); i++) {
                s.execute(MatviewSql.renameIndex(Identifiers.qualified(v.schema(), indexName(n, i)),
                        v.indexes().get(i).name()));
            }
        }
    }

    /** Removes the copies a run built (before the shadow they read can be dropped). */
    public static void dropCopies(Session s, ObjectNames names) throws SQLException {
        String prefix = "mv_" + names.oid() + "_";
        for (String copy : s.query(MatviewSql.copies(), rs -> rs.getString(1), prefix.length(), prefix)) {
            s.execute(MatviewSql.dropIfExists(Identifiers.qualified(ObjectNames.SCHEMA, copy)));
        }
    }

    /** A copy reads what its original reads, the shadow in the table's place; else a name resolved elsewhere. */
    private void checkReads(Session s, Matview v, String copy) throws SQLException {
        long shadow = s.number("SELECT to_regclass(?)::oid", names.shadow());
        List<Long> want = s.query(MatviewSql.reads(), rs -> rs.getLong(1), v.oid()).stream()
                .map(oid -> oid == source.oid() ? shadow : oid).sorted().toList();
        List<Long> got = s.query(MatviewSql.reads(), rs -> rs.getLong(1),
                s.number("SELECT to_regclass(?)::oid", copy)).stream().sorted().toList();
        if (!want.equals(got)) {
            throw new DoppelException(Reason.UNSUPPORTED_DEPENDENTS, "materialized view " + v.display() + " on "
                    + source.display() + " would read other relations when built again from its definition (a name"
                    + " in it resolves differently from doppel's schema). Drop it before the migration and create it"
                    + " again after");
        }
    }

    private String copyName(int n) {
        return "mv_" + names.oid() + "_" + n;
    }

    private String copy(int n) {
        return Identifiers.qualified(ObjectNames.SCHEMA, copyName(n));
    }

    private String indexName(int n, int i) {
        return copyName(n) + "_" + i;
    }
}
