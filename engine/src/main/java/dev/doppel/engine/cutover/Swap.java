package dev.doppel.engine.cutover;

import dev.doppel.engine.catalog.IndexInfo;
import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.ColumnMapping;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.SwapSql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The renames that put the shadow in the source's place, run under the cut-over's ACCESS EXCLUSIVE lock. The old
 * table moves to the doppel schema with its indexes renamed out of the way; the new table takes the original
 * name, index and constraint names, sequences, owner, grants, comment and replica identity. A partitioned table's
 * partitions change places with their copies in the same transaction ({@link PartitionSwap}).
 */
public final class Swap {

    private final TableInfo source;
    private final ShadowTable shadow;
    private final MigrationSql sql;
    private final String oldName;
    private final boolean widenSequences;
    private final MaterializedViews matviews;

    /**
     * {@code widenSequences}: a serial column the change widens to bigint gets its sequence widened too;
     * {@code matviews}: the materialized views on the table, already built again against the shadow.
     */
    public Swap(TableInfo source, ShadowTable shadow, MigrationSql sql, String oldName, boolean widenSequences,
                MaterializedViews matviews) {
        this.source = source;
        this.shadow = shadow;
        this.sql = sql;
        this.oldName = oldName;
        this.widenSequences = widenSequences;
        this.matviews = matviews;
    }

    public String oldTable() {
        return Identifiers.qualified(ObjectNames.SCHEMA, oldName);
    }

    /**
     * Swaps; returns the foreign keys of a partitioned table, and those on referencing tables, that were re-created
     * NOT VALID and must be settled once the swap has committed. The new table's own keys are validated by the
     * caller, which knows them from the shadow.
     */
    public AfterSwap.ForeignKeys run(Session s) throws SQLException {
        ObjectNames names = sql.names();
        String schema = quote(source.schema());
        String newTable = source.qualified();
        ColumnMapping mapping = shadow.mapping();
        // What the swap reads comes first, so that its statements reach the server together (Session.batched):
        // under the lock, every round trip is time the application waits.
        Reading r = read(s);
        if (!source.owner().equals(r.currentUser())) {
            s.execute(SwapSql.ownerTo(names.shadow(), source.owner()));
        }
        PartitionSwap partitions = new PartitionSwap(source.partitions(), sql.targetPartitions(), names, oldName);
        partitions.read(s, r.currentUser());
        List<String> privileges = s.query(SwapSql.privilegesLike(), rs -> rs.getString(2),
                new String[] {names.shadow()}, new String[] {newTable}, new Long[] {source.oid()});
        Dependents dependents = r.dependents();
        DependentViews views = r.views();

        matviews.dropOld(s);
        // The old key the copy went by, where the change replaced it: the new table has only the keys it asked for.
        s.execute(SwapSql.dropIndexIfExists(Identifiers.qualified(ObjectNames.SCHEMA, names.copyKeyIndexName())));
        views.drop(s);
        dependents.detach(s);
        dependents.leavePublications(s, source.qualified());

        for (TableInfo.OwnedSequence seq : source.ownedSequences()) {
            if (target(mapping, seq.column()).isPresent()) {
                s.execute(SwapSql.sequenceOwnedBy(seq.qualified(), "NONE"));
            }
        }
        // Before the root's indexes are renamed: a partition's indexes are matched to the new ones by their names.
        partitions.retire(s);
        List<IndexInfo> indexes = source.indexes();
        for (int i = 0; i < indexes.size(); i++) {
            s.execute(SwapSql.renameIndex(schema + "." + quote(indexes.get(i).name()), names.oldIndexName(i)));
        }
        for (int i = 0; i < r.statistics().size(); i++) {
            s.execute(SwapSql.renameStatistics(r.statistics().get(i)[0] + "." + r.statistics().get(i)[1],
                    names.oldIndexName(i) + "_stat"));
        }
        // Identity sequences go where their table goes: the old table's leave their names to the new table's
        // (a blocking ALTER keeps the sequence), and a name free in the doppel schema lets a later migration's
        // old table, or a revert's, move there too.
        for (int i = 0; i < r.identitySequences().size(); i++) {
            s.execute(SwapSql.renameSequence(r.identitySequences().get(i)[1], names.oldIndexName(i) + "_seq"));
        }
        s.execute(SwapSql.renameTable(source.qualified(), oldName));
        s.execute(SwapSql.setSchema(schema + "." + quote(oldName), ObjectNames.SCHEMA));
        s.execute(SwapSql.setSchema(names.shadow(), source.schema()));
        s.execute(SwapSql.renameTable(schema + "." + quote(names.shadowName()), source.name()));
        for (String statement : r.identityRenames()) {
            s.execute(statement);
        }
        for (String statement : r.generated()) {
            s.execute(statement);
        }
        partitions.install(s);
        if (!sql.targetPartitions().partitioned()) {
            s.execute(SwapSql.restoreAutovacuum(newTable, source.reloptions()));
        }
        restoreStatistics(s, r.shadowStatistics(), r.statistics());

        for (TableInfo.OwnedSequence seq : source.ownedSequences()) {
            Optional<ColumnMapping.Target> column = target(mapping, seq.column());
            if (column.isPresent()) {
                s.execute(SwapSql.sequenceOwnedBy(seq.qualified(), newTable + "." + quote(column.get().name())));
                if (widenSequences && column.get().type().equals("bigint")) {
                    s.execute(SwapSql.widenSequence(seq.qualified()));
                }
            }
        }
        continueIdentities(s, newTable, r.identities());
        if (source.comment() != null) {
            s.execute(SwapSql.commentOnTable(newTable, source.comment()));
        }
        for (String statement : privileges) {
            s.execute(statement);
        }
        if (r.replicaIdentity() != null) {
            s.execute(SwapSql.replicaIdentity(newTable, r.replicaIdentity()));
        }
        List<String[]> validate = new ArrayList<>();
        List<TreeForeignKey> attach = new ArrayList<>();
        List<String> leaves = sql.targetPartitions().leaves().stream().map(PartitionTree.Partition::qualified)
                .toList();
        for (int i = 0; i < shadow.foreignKeys().size(); i++) {
            ForeignKey fk = shadow.foreignKeys().get(i);
            String comment = r.foreignKeyComments().get(i);
            if (sql.targetPartitions().partitioned() && fk.definition().startsWith("FOREIGN KEY")) {
                TreeForeignKey onTree = new TreeForeignKey(newTable, fk.name(), fk.definition(), fk.validate(),
                        comment);
                onTree.addToLeaves(s, leaves);
                if (fk.validate()) {
                    leaves.forEach(leaf -> validate.add(new String[] {leaf, fk.name()}));
                }
                attach.add(onTree);
                continue;
            }
            s.execute(SwapSql.addConstraintNotValid(newTable, fk.name(), fk.definition()));
            if (comment != null) {
                s.execute(SwapSql.commentOnConstraint(newTable, fk.name(), comment));
            }
        }
        dependents.attach(s, newTable, mapping);
        dependents.leave(s, oldTable());
        views.recreate(s);
        matviews.moveIn(s);
        // The old table is kept only as a snapshot: its own foreign keys would still check (and cascade from)
        // the parents, and could block a parent's delete over a row the new table no longer has.
        for (String fk : r.oldForeignKeys()) {
            s.execute(SwapSql.dropConstraint(oldTable(), fk));
        }
        for (String statement : sql.dropCaptureTriggers(oldTable())) {
            s.execute(statement);
        }
        return new AfterSwap.ForeignKeys(validate, attach).plus(dependents.toSettle());
    }

    /** What the swap reads from the catalog before it changes anything. */
    private record Reading(Dependents dependents, DependentViews views, String replicaIdentity,
                           List<String[]> statistics, List<String[]> identitySequences, long shadowOid,
                           List<String> identityRenames, List<String> generated, List<String[]> shadowStatistics,
                           List<String> identities, String currentUser, List<String> foreignKeyComments,
                           List<String> oldForeignKeys) {
    }

    private Reading read(Session s) throws SQLException {
        ObjectNames names = sql.names();
        String schema = quote(source.schema());
        Dependents dependents = Dependents.read(s, source.oid(), sql.capture().triggers(), sql.names().publication());
        DependentViews views = DependentViews.read(s, source.oid());
        String replicaIdentity = replicaIdentity(s);
        List<String[]> statistics = s.query(SwapSql.statisticsOf(false), Swap::triple, source.oid());
        List<String[]> identitySequences = s.query(SwapSql.identitySequencesOf(), Swap::triple, source.oid());
        long shadowOid = s.number("SELECT to_regclass(?)::oid", names.shadow());
        List<String> identityRenames = new ArrayList<>();
        Set<String> sequencesNamed = new HashSet<>();
        for (String[] moved : s.query(SwapSql.identitySequencesOf(), Swap::triple, shadowOid)) {
            for (String[] was : identitySequences) {
                boolean same = target(shadow.mapping(), was[0]).map(t -> t.name().equals(moved[0])).orElse(false);
                if (same && !was[2].equals(moved[2])) {
                    identityRenames.add(SwapSql.renameSequence(schema + "." + quote(moved[2]), was[2]));
                    sequencesNamed.add(moved[2]);
                }
            }
        }
        List<String> generated = generatedNames(s, schema, source.qualified(), shadowOid, sequencesNamed);
        List<String[]> shadowStatistics = s.query(SwapSql.statisticsOf(false), Swap::triple, shadowOid);
        List<String> identities = s.query(SwapSql.identityColumns(), rs -> rs.getString(1), names.shadow());
        List<String> foreignKeyComments = new ArrayList<>();
        for (ForeignKey fk : shadow.foreignKeys()) {
            foreignKeyComments.add(s.text(SwapSql.constraintComment(), source.oid(), fk.name()));
        }
        return new Reading(dependents, views, replicaIdentity, statistics, identitySequences, shadowOid,
                identityRenames, generated, shadowStatistics, identities, s.text("SELECT current_user"),
                foreignKeyComments, s.query(SwapSql.foreignKeysOf(), rs -> rs.getString(1), source.qualified()));
    }

    private static String[] triple(ResultSet rs) throws SQLException {
        return new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
    }

    /**
     * Before a swap back: the retained old table takes the shadow's place. Its indexes get back the names they had
     * before the first swap (free in the doppel schema; the live table's move out of the way in the swap), its
     * statistics objects and identity sequences move aside (the swap back gives them their own names again), and it
     * takes the shadow's name. {@code indexNames} are (original, name now) pairs.
     */
    public static void makeShadow(Session s, String oldTable, List<String[]> indexNames, ObjectNames names)
            throws SQLException {
        for (String[] index : indexNames) {
            String now = Identifiers.qualified(ObjectNames.SCHEMA, index[1]);
            if (s.exists(now)) {
                s.execute(SwapSql.renameIndex(now, index[0]));
            }
        }
        List<String> statistics = s.query(SwapSql.statisticsOf(true), rs -> rs.getString(1) + "." + rs.getString(2),
                oldTable);
        for (int i = 0; i < statistics.size(); i++) {
            s.execute(SwapSql.renameStatistics(statistics.get(i), "doppel_revert_" + names.oid() + "_" + i + "_stat"));
        }
        // Its identity sequences hold the names the first swap gave them, which the swap back gives the live
        // table's: move them aside too; the swap back gives them the live table's names, their own before.
        List<String> sequences = s.query(SwapSql.identitySequencesOf(), rs -> rs.getString(2),
                s.number("SELECT to_regclass(?)::oid", oldTable));
        for (int i = 0; i < sequences.size(); i++) {
            s.execute(SwapSql.renameSequence(sequences.get(i), "doppel_revert_" + names.oid() + "_" + i + "_seq"));
        }
        s.execute(SwapSql.renameTable(oldTable, names.shadowName()));
    }

    private static Optional<ColumnMapping.Target> target(ColumnMapping mapping, String sourceColumn) {
        return mapping.targets().stream().filter(t -> sourceColumn.equals(t.source())).findFirst();
    }

    /** The source's REPLICA IDENTITY clause when it is not the default. */
    private String replicaIdentity(Session s) throws SQLException {
        return switch (s.text(SwapSql.replicaIdentityKind(), source.oid())) {
            case "f" -> "FULL";
            case "n" -> "NOTHING";
            case "i" -> "USING INDEX " + quote(s.text(SwapSql.replicaIdentityIndex(), source.oid()));
            default -> null;
        };
    }

    /**
     * The renames that give names PostgreSQL generated after the shadow ("shadow_123_email_key") the table's
     * ("orders_email_key"), read by the shadow's OID before the swap; for the sequences, less those {@code named}
     * (the identity columns' sequences, which take the old table's names).
     */
    private List<String> generatedNames(Session s, String schema, String newTable, long shadowOid, Set<String> named)
            throws SQLException {
        String prefix = sql.names().generatedPrefix();
        String newPrefix = source.name() + "_";
        List<String> renames = new ArrayList<>();
        for (String index : s.query(SwapSql.indexesNamed(), rs -> rs.getString(1), shadowOid, prefix.length(),
                prefix)) {
            renames.add(SwapSql.renameIndex(schema + "." + quote(index), newPrefix + index.substring(prefix.length())));
        }
        for (String constraint : s.query(SwapSql.constraintsNamed(), rs -> rs.getString(1), shadowOid,
                prefix.length(), prefix)) {
            renames.add(SwapSql.renameConstraint(newTable, constraint,
                    newPrefix + constraint.substring(prefix.length())));
        }
        for (String seq : s.query(SwapSql.sequencesNamed(), rs -> rs.getString(1), shadowOid, prefix.length(),
                prefix)) {
            if (!named.contains(seq)) {
                renames.add(SwapSql.renameSequence(schema + "." + quote(seq),
                        newPrefix + seq.substring(prefix.length())));
            }
        }
        return renames;
    }

    /**
     * Extended statistics do not move with SET SCHEMA and LIKE named the shadow's after it: give each the schema and
     * name of the source's statistics object over the same columns.
     */
    private static void restoreStatistics(Session s, List<String[]> copies, List<String[]> original)
            throws SQLException {
        List<String[]> unmatched = new ArrayList<>(original);
        for (String[] copy : copies) {
            String[] match = unmatched.stream().filter(o -> o[2].equals(copy[2])).findFirst().orElse(null);
            if (match == null) {
                continue;
            }
            unmatched.remove(match);
            s.execute(SwapSql.setStatisticsSchema(copy[0] + "." + copy[1], match[0]));
            s.execute(SwapSql.renameStatisticsQuoted(match[0] + "." + copy[1], match[1]));
        }
    }

    /** Identity columns continue from the old sequence's position, not from 1 or max(key). */
    private void continueIdentities(Session s, String newTable, List<String> identities) throws SQLException {
        for (ColumnMapping.Target t : shadow.mapping().targets()) {
            if (t.source() == null || !identities.contains(t.name())) {
                continue;
            }
            String oldSeq = s.text(SwapSql.columnSequence(), oldTable(), t.source());
            if (oldSeq != null) {
                String newSeq = s.text(SwapSql.columnSequence(), newTable, t.name());
                s.execute(s.text(SwapSql.sequenceLike(newSeq, oldSeq)));
                String asColumn = s.text(SwapSql.sequenceAsColumn(newSeq), newTable, t.name());
                if (asColumn != null) {
                    s.execute(asColumn);
                }
                s.execute(SwapSql.continueIdentity(newTable, t.name(), oldSeq));
            }
        }
    }
}
