package dev.doppel.engine.cutover;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.SwapSql;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Before a tree's swap back, after {@link Swap#makeShadow} gave the old tree's indexes their names back: each retired
 * partition of the old tree, kept in doppel's schema as {@code <old table>_p<n>} (n its place in the tree when it was
 * retired, the place its copy now holds in the live tree), takes its own name again there, so that the swap back
 * puts it in place as it puts a copy. Everything is read and checked before the cut-over; under its lock only the
 * renames run.
 */
public final class PartitionsBack {

    private final List<String> renames;

    private PartitionsBack(List<String> renames) {
        this.renames = renames;
    }

    /**
     * Reads the retained tree {@code old} against the live one, {@code current}; refuses, with nothing changed, when
     * they no longer correspond partition for partition (one was attached, detached or re-bounded since the swap) or
     * a name the renames need is taken in doppel's schema. {@code indexNames} are the old tree's indexes as
     * (original, name now) pairs, which {@link Swap#makeShadow} renames back; {@code what} names the migration for
     * the error.
     */
    public static PartitionsBack read(Session s, TableInfo old, TableInfo current, List<String[]> indexNames,
                                      String what) throws SQLException {
        PartitionTree live = current.partitions();
        PartitionTree kept = old.partitions();
        if (!kept.partitioned()) {
            // A plain old table: the swap back retires the live partitions, if any, and puts none in place.
            return new PartitionsBack(List.of());
        }
        List<PartitionTree.Partition> now = live.partitions();
        if (live.partitioned() != kept.partitioned() || !String.valueOf(live.key()).equals(kept.key())
                || kept.partitions().size() != now.size()) {
            throw refused(what, "the partitions of " + current.display() + " no longer correspond to those of "
                    + old.display() + ", which it replaced: a partition was attached or detached since the swap");
        }
        List<PartitionTree.Partition> was = new ArrayList<>();
        Map<Long, Integer> wasPlace = new HashMap<>();
        Map<Long, Integer> nowPlace = new HashMap<>();
        wasPlace.put(old.oid(), -1);
        nowPlace.put(current.oid(), -1);
        for (int n = 0; n < now.size(); n++) {
            String name = old.name() + "_p" + n;
            PartitionTree.Partition p = kept.partitions().stream().filter(k -> k.name().equals(name)).findFirst()
                    .orElse(null);
            if (p == null) {
                throw refused(what, "partition " + now.get(n).display() + " has no retired partition " + name
                        + " in schema " + ObjectNames.SCHEMA + " to take its place again");
            }
            was.add(p);
            wasPlace.put(p.oid(), n);
            nowPlace.put(now.get(n).oid(), n);
        }
        for (int n = 0; n < now.size(); n++) {
            PartitionTree.Partition p = now.get(n);
            PartitionTree.Partition q = was.get(n);
            if (!p.bound().equals(q.bound()) || !String.valueOf(p.key()).equals(String.valueOf(q.key()))
                    || !nowPlace.get(p.parent()).equals(wasPlace.get(q.parent()))) {
                throw refused(what, "partition " + p.display() + " (" + p.bound() + ") no longer matches "
                        + q.display() + " (" + q.bound() + "), which it replaced: it was attached, detached or"
                        + " changed since the swap");
            }
            if (s.exists(p.shadow())) {
                throw refused(what, p.shadow() + " exists, and partition " + p.display() + " comes back through"
                        + " that name");
            }
        }
        for (String[] index : indexNames) {
            String back = Identifiers.qualified(ObjectNames.SCHEMA, index[0]);
            if (s.exists(Identifiers.qualified(ObjectNames.SCHEMA, index[1])) && s.exists(back)) {
                throw refused(what, back + " exists, and index " + index[1] + " of " + old.display()
                        + " comes back through that name");
            }
        }
        List<String> renames = new ArrayList<>();
        for (int n = 0; n < now.size(); n++) {
            renames.add(SwapSql.renameTable(was.get(n).qualified(), now.get(n).name()));
        }
        return new PartitionsBack(renames);
    }

    /** Under the cut-over's lock, after {@link Swap#makeShadow}. */
    public void run(Session s) throws SQLException {
        for (String statement : renames) {
            s.execute(statement);
        }
    }

    private static DoppelException refused(String what, String why) {
        return new DoppelException(Reason.NOT_REVERTABLE, what + " cannot be reverted: " + why
                + "; nothing was swapped back");
    }
}
