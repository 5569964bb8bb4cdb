package dev.doppel.engine.cutover;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.plan.ColumnMapping;
import dev.doppel.engine.sql.DependentsSql;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.SwapSql;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Objects bound to the source table's OID that must follow the table to its new incarnation: foreign keys that
 * reference it, its user triggers (with their enabled state), row-level security and its policies, column
 * privileges and the CLUSTER marker. Read from the catalog inside the swap's transaction, under its lock, so what
 * is carried is exactly what exists at the swap.
 */
public final class Dependents {

    /**
     * A foreign key on another table that references the source; a partitioned child's goes by its {@code leaves}
     * (empty for a plain child).
     */
    record InboundForeignKey(String child, String name, List<String> childColumns, List<String> parentColumns,
                             String match, String onUpdate, String onDelete, boolean deferrable, boolean deferred,
                             boolean validated, String comment, List<String> leaves) {

        boolean partitioned() {
            return !leaves.isEmpty();
        }
    }

    private final List<InboundForeignKey> inbound;
    private final List<String[]> triggers;
    private final List<String[]> policies;
    private final boolean rowSecurity;
    private final boolean forceRowSecurity;
    private final List<String[]> columnGrants;
    private final String clusterIndex;
    private final List<String[]> publications;
    private List<String[]> settle = List.of();
    private List<TreeForeignKey> attachToTrees = List.of();

    private Dependents(List<InboundForeignKey> inbound, List<String[]> triggers, List<String[]> policies,
                       boolean rowSecurity, boolean forceRowSecurity, List<String[]> columnGrants, String clusterIndex,
                       List<String[]> publications) {
        this.inbound = inbound;
        this.triggers = triggers;
        this.policies = policies;
        this.rowSecurity = rowSecurity;
        this.forceRowSecurity = forceRowSecurity;
        this.columnGrants = columnGrants;
        this.clusterIndex = clusterIndex;
        this.publications = publications;
    }

    /**
     * Reads the dependents of table {@code oid}, leaving out doppel's own capture triggers and publication, and the
     * revert capture of an earlier migration, which stays with the table it logs for.
     *
     * @param ownTriggers    doppel's capture triggers, not carried to the new table
     * @param ownPublication doppel's own publication of the source (logical capture), not carried either
     */
    public static Dependents read(Session s, long oid, List<String> ownTriggers, String ownPublication)
            throws SQLException {
        List<InboundForeignKey> inbound = s.query(DependentsSql.inboundForeignKeys(),
                rs -> new InboundForeignKey(rs.getString(1), rs.getString(2), Session.strings(rs.getArray(3)),
                        Session.strings(rs.getArray(4)), match(rs.getString(5)), action(rs.getString(6)),
                        action(rs.getString(7)), rs.getBoolean(8), rs.getBoolean(9), rs.getBoolean(10),
                        rs.getString(11), Session.strings(rs.getArray(12))), oid, oid);
        List<String[]> triggers = s.query(DependentsSql.userTriggers(),
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}, oid,
                ownTriggers.toArray(String[]::new));
        List<String[]> policies = s.query(DependentsSql.policies(), rs -> new String[] {rs.getString(1),
                rs.getString(2)}, oid);
        boolean[] rls = s.one(DependentsSql.rowSecurity(), rs -> new boolean[] {rs.getBoolean(1), rs.getBoolean(2)},
                oid);
        List<String[]> columnGrants = s.query(DependentsSql.columnGrants(),
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)}, oid);
        String cluster = s.text(DependentsSql.clusterIndex(), oid);
        boolean filters = s.number(DependentsSql.serverVersionNum()) >= 150000;
        List<String[]> publications = s.query(DependentsSql.publications(filters),
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}, oid, ownPublication);
        return new Dependents(inbound, triggers, policies, rls[0], rls[1], columnGrants, cluster, publications);
    }

    /**
     * Before the renames: the inbound foreign keys still check the old table, and each holds the old table's
     * key index; drop them (each referencing table locked in a fixed order, under the attempt's lock_timeout).
     */
    void detach(Session s) throws SQLException {
        for (InboundForeignKey fk : inbound) {
            s.execute(DependentsSql.dropConstraint(fk.child(), fk.name()));
        }
    }

    /**
     * After the swap: the old table is kept as a snapshot, so the triggers and policies carried to the new table go
     * from it. Nothing of the user's fires on it when a revert re-syncs it, and a swap back carries the new
     * table's ones back without meeting them.
     */
    void leave(Session s, String oldTable) throws SQLException {
        for (String[] trigger : triggers) {
            s.execute(DependentsSql.dropTrigger(trigger[0], oldTable));
        }
        for (String[] policy : policies) {
            s.execute(DependentsSql.dropPolicy(policy[0], oldTable));
        }
    }

    /** After the renames: re-creates everything on the new table, which now carries the original name. */
    void attach(Session s, String newTable, ColumnMapping mapping) throws SQLException {
        settle = new ArrayList<>();
        attachToTrees = new ArrayList<>();
        for (InboundForeignKey fk : inbound) {
            List<String> parent = new ArrayList<>();
            for (String column : fk.parentColumns()) {
                parent.add(target(mapping, column, "foreign key " + fk.name() + " on " + fk.child()));
            }
            String definition = DependentsSql.foreignKey(fk.childColumns(), newTable, parent,
                    fk.match() + " ON UPDATE " + fk.onUpdate() + " ON DELETE " + fk.onDelete()
                            + (fk.deferrable() ? " DEFERRABLE" : "") + (fk.deferred() ? " INITIALLY DEFERRED" : ""));
            if (fk.partitioned()) {
                TreeForeignKey onTree = new TreeForeignKey(fk.child(), fk.name(), definition, fk.validated(),
                        fk.comment());
                onTree.addToLeaves(s, fk.leaves());
                if (fk.validated()) {
                    fk.leaves().forEach(leaf -> settle.add(new String[] {leaf, fk.name()}));
                }
                attachToTrees.add(onTree);
                continue;
            }
            s.execute(SwapSql.addConstraintNotValid(fk.child(), fk.name(), definition));
            if (fk.validated()) {
                settle.add(new String[] {fk.child(), fk.name()});
            }
            if (fk.comment() != null) {
                s.execute(SwapSql.commentOnConstraint(fk.child(), fk.name(), fk.comment()));
            }
        }
        for (String[] trigger : triggers) {
            s.execute(trigger[1]);
            String state = switch (trigger[2]) {
                case "D" -> "DISABLE";
                case "R" -> "ENABLE REPLICA";
                case "A" -> "ENABLE ALWAYS";
                default -> null;
            };
            if (state != null) {
                s.execute(DependentsSql.triggerState(newTable, state, trigger[0]));
            }
        }
        if (rowSecurity) {
            s.execute(DependentsSql.rowSecurity(newTable, "ENABLE"));
        }
        if (forceRowSecurity) {
            s.execute(DependentsSql.rowSecurity(newTable, "FORCE"));
        }
        for (String[] policy : policies) {
            s.execute(DependentsSql.createPolicy(policy[0], newTable, policy[1]));
        }
        for (String[] grant : columnGrants) {
            String column = renamed(mapping, grant[0]);
            if (column != null) {
                s.execute(DependentsSql.grantColumn(grant[1], column, newTable, grant[2], "true".equals(grant[3])));
            }
        }
        if (clusterIndex != null) {
            s.execute(DependentsSql.clusterOn(newTable, clusterIndex));
        }
        for (String[] publication : publications) {
            List<String> columns = publication[1] == null || publication[1].isEmpty() ? List.of()
                    : Arrays.stream(publication[1].split("\u001f")).map(c -> renamed(mapping, c))
                            .filter(Objects::nonNull).map(Identifiers::quote).toList();
            s.execute(DependentsSql.joinPublication(publication[0], newTable, columns, publication[2]));
        }
    }

    /** Before the old table leaves: take it out of the publications the new table joins in its place. */
    void leavePublications(Session s, String oldTable) throws SQLException {
        for (String[] publication : publications) {
            s.execute(DependentsSql.leavePublication(publication[0], oldTable));
        }
    }

    /** One line per object the swap will carry, saying how. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        inbound.forEach(fk -> out.add("foreign key " + fk.name() + " on " + fk.child() + ": re-created inside the swap"
                + " NOT VALID" + (fk.partitioned() ? " on each partition of " + fk.child() + (fk.validated()
                ? ", validated after, then" : ", then") + " added to " + fk.child() + " itself without a scan"
                : fk.validated() ? ", validated after" : "")));
        triggers.forEach(t -> out.add("trigger " + t[0] + ": re-created with its enabled state (" + t[2] + ")"));
        if (rowSecurity || forceRowSecurity) {
            out.add("row-level security: " + (rowSecurity ? "enabled" : "") + (forceRowSecurity ? ", forced" : ""));
        }
        policies.forEach(p -> out.add("policy " + p[0] + ": re-created"));
        columnGrants.forEach(g -> out.add("column privilege " + g[1] + " (" + g[0] + ") to " + g[2] + ": re-granted"));
        if (clusterIndex != null) {
            out.add("CLUSTER ON " + clusterIndex + ": kept");
        }
        publications.forEach(p -> out.add("publication " + p[0] + ": the new table joins it in the old one's place"
                + (p[1] == null || p[1].isEmpty() ? "" : ", with its column list")
                + (p[2] == null ? "" : ", with its row filter")));
        return out;
    }

    /**
     * After {@link #attach}: the referencing tables' foreign keys (or their partitions') that were valid before, to
     * validate once the swap has committed, and those to add to partitioned referencing tables after.
     */
    AfterSwap.ForeignKeys toSettle() {
        return new AfterSwap.ForeignKeys(settle, attachToTrees);
    }

    private static String target(ColumnMapping mapping, String sourceColumn, String what) {
        String column = renamed(mapping, sourceColumn);
        if (column == null) {
            throw new DoppelException(Reason.KEY_LOST, what + " references column " + sourceColumn + ", which the"
                    + " change drops; drop that foreign key first");
        }
        return column;
    }

    /** The new name of a source column the change keeps; null when it drops it. */
    private static String renamed(ColumnMapping mapping, String sourceColumn) {
        return mapping.targets().stream().filter(t -> sourceColumn.equals(t.source())).map(ColumnMapping.Target::name)
                .findFirst().orElse(null);
    }

    private static String match(String code) {
        return switch (code) {
            case "f" -> "MATCH FULL";
            case "p" -> "MATCH PARTIAL";
            default -> "MATCH SIMPLE";
        };
    }

    private static String action(String code) {
        return switch (code) {
            case "r" -> "RESTRICT";
            case "c" -> "CASCADE";
            case "n" -> "SET NULL";
            case "d" -> "SET DEFAULT";
            default -> "NO ACTION";
        };
    }
}
